/**
 * Typing recovery shares (docs/architecture.md section 7, escrow): one field per share, each
 * checked as it is typed by the core (`escrow.checkShare`), which names a typo (the group with the
 * wrong or missing character) without saying anything about the secret. Pasting several lines fills
 * several fields.
 */
import { useEffect, useId, useState } from 'react';

export type ShareCheck =
  | { readonly state: 'empty' }
  | { readonly state: 'checking' }
  | { readonly state: 'valid' }
  | { readonly state: 'invalid'; readonly message: string };

export interface ShareEntryProps {
  /** How many fields to offer (the threshold). */
  readonly count: number;
  readonly check: (share: string) => Promise<ShareCheck>;
  /** Called with the shares whenever every field holds a valid one, else with null. */
  readonly onComplete: (shares: readonly string[] | null) => void;
}

export function ShareEntry({ count, check, onComplete }: ShareEntryProps) {
  const [values, setValues] = useState<string[]>(() => Array.from({ length: count }, () => ''));
  const [checks, setChecks] = useState<ShareCheck[]>(() =>
    Array.from({ length: count }, () => ({ state: 'empty' }) as const),
  );
  const base = useId();

  useEffect(() => {
    let current = true;
    void Promise.all(
      values.map((value) =>
        value.trim() === '' ? Promise.resolve<ShareCheck>({ state: 'empty' }) : check(value.trim()),
      ),
    ).then((results) => {
      if (!current) return;
      setChecks(results);
      onComplete(
        results.every((result) => result.state === 'valid')
          ? values.map((value) => value.trim())
          : null,
      );
    });
    return () => {
      current = false;
    };
  }, [values, check, onComplete]);

  const change = (index: number, text: string) => {
    const lines = text
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter(Boolean);
    setValues((before) => {
      const next = [...before];
      if (lines.length > 1) {
        lines.slice(0, count - index).forEach((line, offset) => (next[index + offset] = line));
      } else {
        next[index] = text;
      }
      return next;
    });
  };

  return (
    <ol className="shares">
      {values.map((value, index) => {
        const result = checks[index] ?? { state: 'empty' };
        const status = `${base}-status-${index}`;
        return (
          <li key={index}>
            <label htmlFor={`${base}-${index}`}>Share {index + 1}</label>
            <textarea
              id={`${base}-${index}`}
              className="share-input"
              rows={2}
              spellCheck={false}
              autoComplete="off"
              value={value}
              aria-invalid={result.state === 'invalid'}
              aria-describedby={status}
              onChange={(event) => change(index, event.target.value)}
            />
            <p id={status} className={`share-status share-${result.state}`} aria-live="polite">
              {result.state === 'valid'
                ? 'This share is valid.'
                : result.state === 'invalid'
                  ? result.message
                  : result.state === 'checking'
                    ? 'Checking…'
                    : ''}
            </p>
          </li>
        );
      })}
    </ol>
  );
}
