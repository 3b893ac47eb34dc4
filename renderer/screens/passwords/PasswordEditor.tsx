/**
 * Add or edit a password entry, with the generator and a strength meter of what is typed, its
 * folder (the folders in use offered), favourite, and custom fields (a hidden one is typed like
 * a password and shown only when asked).
 */
import { useCallback, useEffect, useState } from 'react';
import type { MeshIpcError } from '../../../shared/ipc/contract';
import { useMesh } from '../../app/mesh-context';
import {
  GeneratorPanel,
  StrengthMeter,
  type GeneratorRequest,
  type Strength,
} from '../../components/GeneratorPanel';
import { Failure } from '../../components/StateViews';

export interface EditorValues {
  readonly title: string;
  readonly site: string;
  readonly username: string;
  readonly password: string;
  readonly notes: string;
  readonly totp: string;
  readonly folder: string;
  readonly favorite: boolean;
  readonly fields: readonly { name: string; value: string; hidden: boolean }[];
}

export function PasswordEditor({
  id,
  initial,
  folders,
  onSaved,
  onCancel,
}: {
  id: string | null;
  initial: EditorValues;
  folders: readonly string[];
  onSaved: (id: string) => void;
  onCancel: () => void;
}) {
  const mesh = useMesh();
  const [values, setValues] = useState(initial);
  const [strength, setStrength] = useState<Strength | null>(null);
  const [generator, setGenerator] = useState(false);
  const [error, setError] = useState<MeshIpcError | null>(null);
  const set =
    (key: 'title' | 'site' | 'username' | 'password' | 'notes' | 'totp' | 'folder') =>
    (event: { target: { value: string } }) =>
      setValues((before) => ({ ...before, [key]: event.target.value }));
  const setField = (index: number, change: Partial<EditorValues['fields'][number]>) =>
    setValues((before) => ({
      ...before,
      fields: before.fields.map((field, at) => (at === index ? { ...field, ...change } : field)),
    }));

  useEffect(() => {
    if (mesh === null || values.password === '') return setStrength(null);
    let current = true;
    void mesh.passwords.strength({ password: values.password }).then((reply) => {
      if (current && reply.ok) {
        setStrength({ score: reply.value.score, label: reply.value.crackTimeDisplay });
      }
    });
    return () => {
      current = false;
    };
  }, [mesh, values.password]);

  const generate = useCallback(
    async (request: GeneratorRequest) => {
      if (mesh === null) throw new Error('no window.mesh');
      const reply = await mesh.passwords.generate(
        request.kind === 'characters'
          ? {
              kind: 'password',
              length: request.length,
              classes: (
                [
                  ['lowercase', request.lower],
                  ['uppercase', request.upper],
                  ['digits', request.digits],
                  ['symbols', request.symbols],
                ] as const
              )
                .filter(([, on]) => on)
                .map(([name]) => name),
            }
          : { kind: 'passphrase', words: request.words, separator: request.separator },
      );
      if (!reply.ok) throw new Error(reply.error.code);
      const rated = await mesh.passwords.strength({ password: reply.value.secret });
      return {
        value: reply.value.secret,
        strength: rated.ok
          ? { score: rated.value.score, label: rated.value.crackTimeDisplay }
          : { score: 0, label: '' },
      };
    },
    [mesh],
  );

  return (
    <form
      className="form panel"
      aria-labelledby="editor-heading"
      onSubmit={(event) => {
        event.preventDefault();
        if (mesh === null) return;
        const fields = {
          title: values.title,
          sites: values.site.trim() === '' ? [] : [values.site.trim()],
          username: values.username,
          // Editing, an empty field keeps the password (an empty string would clear it).
          ...(id !== null && values.password === '' ? {} : { password: values.password }),
          notes: values.notes,
          ...(values.totp.trim() === '' ? {} : { totp: values.totp.trim() }),
          folder: values.folder.trim(),
          favorite: values.favorite,
          fields: values.fields
            .filter((field) => field.name.trim() !== '' || field.value !== '')
            .map((field) => ({
              name: field.name.trim(),
              value: field.value,
              hidden: field.hidden,
            })),
        };
        const saving =
          id === null ? mesh.passwords.add(fields) : mesh.passwords.update({ id, changes: fields });
        void saving.then((reply) => {
          if (reply.ok) onSaved(reply.value.id);
          else setError(reply.error);
        });
      }}
    >
      <h2 id="editor-heading">{id === null ? 'Add a password' : 'Edit the password'}</h2>
      <label htmlFor="entry-title-input">Title</label>
      <input id="entry-title-input" type="text" value={values.title} onChange={set('title')} />
      <label htmlFor="entry-site">Site</label>
      <input
        id="entry-site"
        type="text"
        inputMode="url"
        value={values.site}
        onChange={set('site')}
      />
      <label htmlFor="entry-user">Username</label>
      <input
        id="entry-user"
        type="text"
        autoComplete="off"
        value={values.username}
        onChange={set('username')}
      />
      <label htmlFor="entry-secret">
        {id === null ? 'Password' : 'New password (leave empty to keep the current one)'}
      </label>
      <input
        id="entry-secret"
        type="password"
        autoComplete="new-password"
        value={values.password}
        onChange={set('password')}
      />
      <StrengthMeter strength={strength} />
      <button type="button" className="button quiet" onClick={() => setGenerator(!generator)}>
        {generator ? 'Hide the generator' : 'Generate a password'}
      </button>
      {generator ? (
        <GeneratorPanel
          generate={generate}
          onUse={(password) => {
            setValues((before) => ({ ...before, password }));
            setGenerator(false);
          }}
        />
      ) : null}
      <label htmlFor="entry-totp">One-time code secret (optional)</label>
      <input
        id="entry-totp"
        type="text"
        autoComplete="off"
        value={values.totp}
        onChange={set('totp')}
      />
      <label htmlFor="entry-notes">Notes</label>
      <textarea id="entry-notes" rows={3} value={values.notes} onChange={set('notes')} />
      <label htmlFor="entry-folder">Folder (optional; / between levels, as in Work/Banking)</label>
      <input
        id="entry-folder"
        type="text"
        autoComplete="off"
        list="entry-folders"
        value={values.folder}
        onChange={set('folder')}
      />
      <datalist id="entry-folders">
        {folders.map((folder) => (
          <option key={folder} value={folder} />
        ))}
      </datalist>
      <span className="check">
        <input
          id="entry-favorite"
          type="checkbox"
          checked={values.favorite}
          onChange={(event) =>
            setValues((before) => ({ ...before, favorite: event.target.checked }))
          }
        />
        <label htmlFor="entry-favorite">Favourite</label>
      </span>
      <fieldset className="custom-fields">
        <legend>Custom fields</legend>
        {values.fields.map((field, index) => (
          <div className="custom-field" key={index} data-testid="custom-field-editor">
            <label htmlFor={`field-name-${index}`}>Name of field {index + 1}</label>
            <input
              id={`field-name-${index}`}
              type="text"
              autoComplete="off"
              value={field.name}
              onChange={(event) => setField(index, { name: event.target.value })}
            />
            <label htmlFor={`field-value-${index}`}>Value of field {index + 1}</label>
            <input
              id={`field-value-${index}`}
              type={field.hidden ? 'password' : 'text'}
              autoComplete="off"
              value={field.value}
              onChange={(event) => setField(index, { value: event.target.value })}
            />
            <span className="check">
              <input
                id={`field-hidden-${index}`}
                type="checkbox"
                checked={field.hidden}
                onChange={(event) => setField(index, { hidden: event.target.checked })}
              />
              <label htmlFor={`field-hidden-${index}`}>Hidden, like a password</label>
            </span>
            <button
              type="button"
              className="button quiet"
              onClick={() =>
                setValues((before) => ({
                  ...before,
                  fields: before.fields.filter((_, at) => at !== index),
                }))
              }
            >
              Remove field {index + 1}
            </button>
          </div>
        ))}
        <button
          type="button"
          className="button quiet"
          disabled={values.fields.length >= 100}
          onClick={() =>
            setValues((before) => ({
              ...before,
              fields: [...before.fields, { name: '', value: '', hidden: false }],
            }))
          }
        >
          Add a custom field
        </button>
      </fieldset>
      {error ? <Failure error={error} /> : null}
      <div className="button-row">
        <button type="submit" className="button">
          Save
        </button>
        <button type="button" className="button quiet" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
