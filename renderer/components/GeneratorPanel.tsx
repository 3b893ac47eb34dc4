/**
 * The password generator (docs/architecture.md section 8): random characters (length, character
 * sets) or a passphrase (words, separator), with a strength meter. Generation and the strength
 * estimate are the core's (`passwords.generate`, `passwords.strength`); this panel only asks and
 * shows.
 */
import { useEffect, useId, useState } from 'react';

export type GeneratorRequest =
  | {
      readonly kind: 'characters';
      readonly length: number;
      readonly lower: boolean;
      readonly upper: boolean;
      readonly digits: boolean;
      readonly symbols: boolean;
    }
  | { readonly kind: 'passphrase'; readonly words: number; readonly separator: string };

export interface Strength {
  /** 0 (very weak) to 4 (very strong). */
  readonly score: number;
  /** Shown beside the meter, e.g. "centuries to guess". */
  readonly label: string;
}

const scoreWords = ['Very weak', 'Weak', 'Fair', 'Strong', 'Very strong'] as const;

export function StrengthMeter({ strength, id }: { strength: Strength | null; id?: string }) {
  const fallbackId = useId();
  const meterId = id ?? fallbackId;
  const score = strength?.score ?? 0;
  return (
    <div className="strength">
      <label htmlFor={meterId}>Strength</label>
      <meter id={meterId} min={0} max={4} low={2} high={3} optimum={4} value={score} />
      <span className="strength-words" aria-live="polite">
        {strength === null
          ? 'Not rated yet'
          : `${scoreWords[Math.min(4, Math.max(0, score))]}${strength.label ? `: ${strength.label}` : ''}`}
      </span>
    </div>
  );
}

export interface GeneratorPanelProps {
  readonly generate: (request: GeneratorRequest) => Promise<{ value: string; strength: Strength }>;
  /** Called with the password the person chose to use. */
  readonly onUse: (value: string) => void;
}

export function GeneratorPanel({ generate, onUse }: GeneratorPanelProps) {
  const [kind, setKind] = useState<'characters' | 'passphrase'>('characters');
  const [length, setLength] = useState(20);
  const [sets, setSets] = useState({ lower: true, upper: true, digits: true, symbols: true });
  const [words, setWords] = useState(5);
  const [separator, setSeparator] = useState('-');
  const [result, setResult] = useState<{ value: string; strength: Strength } | null>(null);
  const [failed, setFailed] = useState(false);
  const base = useId();

  const noSet = kind === 'characters' && !Object.values(sets).some(Boolean);
  useEffect(() => {
    if (noSet) return;
    let current = true;
    const request: GeneratorRequest =
      kind === 'characters' ? { kind, length, ...sets } : { kind, words, separator };
    generate(request)
      .then((made) => {
        if (current) {
          setResult(made);
          setFailed(false);
        }
      })
      .catch(() => {
        if (current) setFailed(true);
      });
    return () => {
      current = false;
    };
  }, [generate, kind, length, sets, words, separator, noSet]);

  return (
    <fieldset className="generator">
      <legend>Generate a password</legend>
      <div className="segmented" role="radiogroup" aria-label="Kind">
        {(['characters', 'passphrase'] as const).map((option) => (
          <label key={option}>
            <input
              type="radio"
              name={`${base}-kind`}
              value={option}
              checked={kind === option}
              onChange={() => setKind(option)}
            />
            {option === 'characters' ? 'Characters' : 'Passphrase'}
          </label>
        ))}
      </div>
      {kind === 'characters' ? (
        <>
          <label htmlFor={`${base}-length`}>Length: {length}</label>
          <input
            id={`${base}-length`}
            type="range"
            min={8}
            max={128}
            value={length}
            onChange={(event) => setLength(Number(event.target.value))}
          />
          {(
            [
              ['lower', 'Lower case (a–z)'],
              ['upper', 'Upper case (A–Z)'],
              ['digits', 'Digits (0–9)'],
              ['symbols', 'Symbols (!#%…)'],
            ] as const
          ).map(([key, label]) => (
            <label key={key} className="check">
              <input
                type="checkbox"
                checked={sets[key]}
                onChange={(event) => setSets({ ...sets, [key]: event.target.checked })}
              />
              {label}
            </label>
          ))}
          {noSet ? <p role="alert">Choose at least one set of characters.</p> : null}
        </>
      ) : (
        <>
          <label htmlFor={`${base}-words`}>Words: {words}</label>
          <input
            id={`${base}-words`}
            type="range"
            min={3}
            max={12}
            value={words}
            onChange={(event) => setWords(Number(event.target.value))}
          />
          <label htmlFor={`${base}-separator`}>Between words</label>
          <select
            id={`${base}-separator`}
            value={separator}
            onChange={(event) => setSeparator(event.target.value)}
          >
            <option value="-">Hyphen (-)</option>
            <option value=" ">Space</option>
            <option value=".">Full stop (.)</option>
            <option value="_">Underscore (_)</option>
          </select>
        </>
      )}
      <output className="generated" htmlFor={`${base}-length`} data-testid="generated-password">
        {failed ? 'Could not generate a password.' : (result?.value ?? '…')}
      </output>
      <StrengthMeter strength={result?.strength ?? null} />
      <button
        type="button"
        className="button"
        disabled={result === null || noSet}
        onClick={() => result && onUse(result.value)}
      >
        Use this password
      </button>
    </fieldset>
  );
}
