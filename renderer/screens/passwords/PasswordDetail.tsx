/**
 * One password entry: copy the username and the password (through the main process, which
 * clears the clipboard after the set time), reveal, open the site, the TOTP code with its
 * countdown, its folder, favourite (marked and unmarked here) and custom fields (a hidden one
 * revealed like the password), earlier versions (with restore), edit and delete.
 */
import { useEffect, useState } from 'react';
import type { MeshIpcError } from '../../../shared/ipc/contract';
import { useLoad, useMesh } from '../../app/mesh-context';
import { displayText } from '../../../shared/encoding/display-text';
import { When } from '../../components/ScreenFrame';
import { Failure, LoadableView } from '../../components/StateViews';

function siteUrl(site: string): string | null {
  try {
    const url = new URL(site.includes('://') ? site : `https://${site}`);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.toString() : null;
  } catch {
    return null;
  }
}

/** A custom field: a hidden one shows dots until revealed (`passwords.revealField`). */
function CustomField({
  id,
  index,
  field,
  onError,
}: {
  id: string;
  index: number;
  field: { name: string; value: string | null; hidden: boolean };
  onError: (error: MeshIpcError) => void;
}) {
  const mesh = useMesh();
  const [revealed, setRevealed] = useState<string | null>(null);
  const name = displayText(field.name).trim() || `Field ${index + 1}`;
  return (
    <>
      <dt>{name}</dt>
      <dd data-testid="custom-field">
        {field.hidden ? (
          <>
            <span className="fingerprint">{revealed ?? '••••••••'}</span>{' '}
            <button
              type="button"
              className="button quiet"
              aria-label={`${revealed === null ? 'Reveal' : 'Hide'} ${name}`}
              onClick={() => {
                if (revealed !== null) return setRevealed(null);
                void mesh?.passwords.revealField({ id, index }).then((reply) => {
                  if (reply.ok) setRevealed(reply.value.value);
                  else onError(reply.error);
                });
              }}
            >
              {revealed === null ? 'Reveal' : 'Hide'}
            </button>
          </>
        ) : (
          <span className="notes">{field.value}</span>
        )}
      </dd>
    </>
  );
}

function Totp({ id }: { id: string }) {
  const mesh = useMesh();
  const [code, setCode] = useState<{ code: string; remainingSeconds: number } | null>(null);
  useEffect(() => {
    if (mesh === null) return;
    let current = true;
    const read = () =>
      void mesh.passwords.totp({ id }).then((reply) => {
        if (current && reply.ok && reply.value) setCode(reply.value);
      });
    read();
    const timer = setInterval(read, 1000);
    return () => {
      current = false;
      clearInterval(timer);
    };
  }, [mesh, id]);
  if (code === null) return <p role="status">Reading the code…</p>;
  return (
    <p className="totp">
      <span className="fingerprint" data-testid="totp-code">
        {code.code}
      </span>{' '}
      <span aria-live="off">({code.remainingSeconds} s left)</span>
    </p>
  );
}

export function PasswordDetail({
  id,
  onEdit,
  onDelete,
  onChanged,
}: {
  id: string;
  onEdit: () => void;
  onDelete: (title: string) => void;
  onChanged: () => void;
}) {
  const mesh = useMesh();
  const [entry, reload] = useLoad((api) => api.passwords.get({ id }), [id]);
  const [revealed, setRevealed] = useState<string | null>(null);
  const [message, setMessage] = useState('');
  const [error, setError] = useState<MeshIpcError | null>(null);
  useEffect(() => {
    setRevealed(null);
    setMessage('');
  }, [id]);

  const copy = async (what: 'username' | 'password', text: string | null) => {
    if (mesh === null) return;
    let value = text;
    if (what === 'password') {
      const reply = await mesh.passwords.reveal({ id });
      if (!reply.ok) return setError(reply.error);
      value = reply.value.password;
    }
    if (!value) return;
    const copied = await mesh.clipboard.copy({ text: value });
    if (!copied.ok) return setError(copied.error);
    const seconds = Math.max(
      0,
      Math.round((Date.parse(copied.value.clearsAt) - Date.now()) / 1000),
    );
    setMessage(
      `${what === 'password' ? 'Password' : 'Username'} copied; the clipboard is cleared in ${seconds} seconds.`,
    );
  };

  return (
    <LoadableView value={entry} loading="Opening the entry…" onRetry={reload}>
      {(detail) => {
        const title = displayText(detail.title).trim() || detail.sites[0] || 'Untitled';
        return (
          <article className="panel" aria-labelledby="entry-title" data-testid="password-detail">
            <h2 id="entry-title">
              {title}
              {detail.favorite ? (
                <span className="favorite-mark" data-testid="entry-favorite">
                  <span aria-hidden="true"> ★</span>
                  <span className="visually-hidden"> (favourite)</span>
                </span>
              ) : null}
            </h2>
            <p role="status" className="status-line">
              {message}
            </p>
            {error ? <Failure error={error} /> : null}
            <dl className="facts">
              <dt>Username</dt>
              <dd data-testid="entry-username">{detail.username ?? '—'}</dd>
              <dt>Password</dt>
              <dd className="fingerprint" data-testid="entry-password">
                {detail.hasPassword ? (revealed ?? '••••••••••') : '—'}
              </dd>
              <dt>Sites</dt>
              <dd>
                {detail.sites.map((site) => {
                  const url = siteUrl(site);
                  return url ? (
                    <a key={site} href={url} target="_blank" rel="noreferrer noopener">
                      Open {displayText(site)}
                    </a>
                  ) : (
                    <span key={site}>{displayText(site)}</span>
                  );
                })}
              </dd>
              {detail.hasTotp ? (
                <>
                  <dt>One-time code</dt>
                  <dd>
                    <Totp id={id} />
                  </dd>
                </>
              ) : null}
              {detail.fields.map((field, index) => (
                <CustomField key={index} id={id} index={index} field={field} onError={setError} />
              ))}
              {detail.folder ? (
                <>
                  <dt>Folder</dt>
                  <dd data-testid="entry-folder">{displayText(detail.folder)}</dd>
                </>
              ) : null}
              {detail.notes ? (
                <>
                  <dt>Notes</dt>
                  <dd className="notes">{detail.notes}</dd>
                </>
              ) : null}
              <dt>Changed</dt>
              <dd>
                <When time={detail.updated} />
              </dd>
            </dl>
            <div className="button-row">
              <button
                type="button"
                className="button"
                disabled={!detail.username}
                onClick={() => void copy('username', detail.username)}
              >
                Copy username
              </button>
              <button
                type="button"
                className="button"
                disabled={!detail.hasPassword}
                onClick={() => void copy('password', null)}
              >
                Copy password
              </button>
              <button
                type="button"
                className="button quiet"
                disabled={!detail.hasPassword}
                onClick={() => {
                  if (revealed !== null) return setRevealed(null);
                  void mesh?.passwords.reveal({ id }).then((reply) => {
                    if (reply.ok) setRevealed(reply.value.password ?? '');
                    else setError(reply.error);
                  });
                }}
              >
                {revealed === null ? 'Reveal password' : 'Hide password'}
              </button>
              <button
                type="button"
                className="button quiet"
                aria-pressed={detail.favorite}
                onClick={() =>
                  void mesh?.passwords
                    .update({ id, changes: { favorite: !detail.favorite } })
                    .then((reply) => {
                      if (!reply.ok) return setError(reply.error);
                      reload();
                      onChanged();
                    })
                }
              >
                Favourite
              </button>
              <button type="button" className="button quiet" onClick={onEdit}>
                Edit
              </button>
              <button type="button" className="button danger" onClick={() => onDelete(title)}>
                Delete
              </button>
            </div>
            {detail.history.length > 0 ? (
              <details>
                <summary>Earlier versions ({detail.history.length})</summary>
                <ul>
                  {detail.history.map((version) => (
                    <li key={version.updated}>
                      <When time={version.updated} />: {displayText(version.title)}
                      {version.passwordChanged ? ' (password changed after it)' : ''}{' '}
                      <button
                        type="button"
                        className="button quiet"
                        onClick={() =>
                          void mesh?.passwords
                            .restore({ id, version: version.updated })
                            .then((reply) => {
                              if (reply.ok) {
                                reload();
                                onChanged();
                              } else setError(reply.error);
                            })
                        }
                      >
                        Restore this version
                      </button>
                    </li>
                  ))}
                </ul>
              </details>
            ) : null}
          </article>
        );
      }}
    </LoadableView>
  );
}
