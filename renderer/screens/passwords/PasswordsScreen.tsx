/**
 * Passwords (docs/architecture.md section 8): the virtualized list with search as you type and a
 * folder and favourites filter, the selected entry's detail, add and edit with the generator,
 * folder, favourite and custom fields, delete with undo (deleted at once; Undo brings the entry
 * back with its history, `passwords.undelete`), the entries the last sync could not upload, CSV
 * import with its report, and export with a warning that the file is plain text.
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { MeshIpcError } from '../../../shared/ipc/contract';
import { useMesh } from '../../app/mesh-context';
import { PasswordList } from '../../components/PasswordList';
import { displayText } from '../../../shared/encoding/display-text';
import { ScreenFrame } from '../../components/ScreenFrame';
import { Failure, Loading } from '../../components/StateViews';
import { useMeshStore } from '../../store/MeshStoreProvider';
import { foldersOf, type PasswordRow } from '../../store/password-filter';
import { selectVisiblePasswordRows } from '../../store/passwords-slice';
import { selectUploadFailed, type UploadFailure } from '../../store/sync-slice';
import { PasswordDetail } from './PasswordDetail';
import { PasswordEditor, type EditorValues } from './PasswordEditor';

/** How long the toast offers Undo after a delete (the entry is deleted at once). */
const UNDO_SECONDS = 10;
const blank: EditorValues = {
  title: '',
  site: '',
  username: '',
  password: '',
  notes: '',
  totp: '',
  folder: '',
  favorite: false,
  fields: [],
};

const kindNames: Record<UploadFailure['type'], string> = {
  password: 'password entry',
  mail: 'mail account',
  network: 'network setting',
};

/** The entries the last sync could not upload, named, with what to do. */
function UploadFailures({
  failed,
  rows,
  onShow,
}: {
  failed: readonly UploadFailure[];
  rows: readonly PasswordRow[];
  onShow: (id: string) => void;
}) {
  if (failed.length === 0) return null;
  const byId = new Map(rows.map((row) => [row.id, row]));
  return (
    <section className="notice" role="alert" aria-labelledby="upload-failed-heading">
      <h2 id="upload-failed-heading">
        {failed.length} {failed.length === 1 ? 'entry' : 'entries'} could not be uploaded
      </h2>
      <p>
        {failed.length === 1
          ? 'The Mesh service refused it as too large. It is kept on this device but is not on your other devices. Make it smaller (shorter notes, fewer custom fields): the smaller version goes with the next sync.'
          : 'The Mesh service refused them as too large. They are kept on this device but are not on your other devices. Make each smaller (shorter notes, fewer custom fields): the smaller version goes with the next sync.'}
      </p>
      <ul data-testid="upload-failed">
        {failed.map((item) => {
          const row = item.type === 'password' ? byId.get(item.id) : undefined;
          const name = row ? displayText(row.title || row.site).trim() || 'Untitled' : null;
          return (
            <li key={`${item.type}:${item.id}`}>
              {row && name ? (
                <button type="button" className="link-button" onClick={() => onShow(item.id)}>
                  {name}
                </button>
              ) : (
                `A ${kindNames[item.type]}`
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}

/** The folder and favourites filter of the list. */
function ScopeControls({ rows }: { rows: readonly PasswordRow[] }) {
  const { scope, setScope } = useMeshStore(
    useShallow((state) => ({ scope: state.passwordScope, setScope: state.scopePasswords })),
  );
  const folders = useMemo(() => foldersOf(rows), [rows]);
  const value = scope.folder === null ? '*' : scope.folder === '' ? '-' : `/${scope.folder}`;
  return (
    <div className="password-scope">
      <label htmlFor="password-folder">Folder</label>
      <select
        id="password-folder"
        value={value}
        onChange={(event) => {
          const chosen = event.target.value;
          setScope({
            ...scope,
            folder: chosen === '*' ? null : chosen === '-' ? '' : chosen.slice(1),
          });
        }}
      >
        <option value="*">All folders</option>
        <option value="-">No folder</option>
        {folders.map((folder) => (
          <option key={folder} value={`/${folder}`}>
            {displayText(folder)}
          </option>
        ))}
      </select>
      <span className="check">
        <input
          id="password-favorites"
          type="checkbox"
          checked={scope.favoritesOnly}
          onChange={(event) => setScope({ ...scope, favoritesOnly: event.target.checked })}
        />
        <label htmlFor="password-favorites">Favourites only</label>
      </span>
    </div>
  );
}

interface ImportReport {
  readonly format: string;
  readonly rows: number;
  readonly added: number;
  readonly merged: number;
  readonly skipped: readonly { row: number; reason: string }[];
  readonly warnings: readonly { row: number | null; message: string }[];
}

function ImportPanel({ onImported }: { onImported: () => void }) {
  const mesh = useMesh();
  const [busy, setBusy] = useState(false);
  const [report, setReport] = useState<ImportReport | null>(null);
  const [error, setError] = useState<MeshIpcError | null>(null);
  return (
    <section className="panel" aria-labelledby="import-heading">
      <h2 id="import-heading">Import from a CSV file</h2>
      <p>From Chrome, Firefox, Bitwarden, LastPass or KeePassXC: the format is recognised.</p>
      <label htmlFor="import-file">CSV file</label>
      <input
        id="import-file"
        type="file"
        accept=".csv,text/csv"
        disabled={busy}
        onChange={(event) => {
          const file = event.target.files?.[0];
          if (!file || mesh === null) return;
          setBusy(true);
          setReport(null);
          void file
            .text()
            .then((csv) => mesh.passwords.import({ csv }))
            .then((reply) => {
              setBusy(false);
              if (reply.ok) {
                setReport(reply.value);
                setError(null);
                onImported();
              } else setError(reply.error);
            });
        }}
      />
      {busy ? (
        <>
          <progress aria-label="Importing" />
          <p role="status">Importing…</p>
        </>
      ) : null}
      {error ? <Failure error={error} /> : null}
      {report ? (
        <div role="status" data-testid="import-report">
          <p>
            Read {report.rows} rows ({report.format}): {report.added} added, {report.merged} merged
            with entries you had, {report.skipped.length} skipped.
          </p>
          {report.skipped.length > 0 ? (
            <ul aria-label="Skipped rows">
              {report.skipped.map((row) => (
                <li key={row.row}>
                  Row {row.row}: {row.reason}
                </li>
              ))}
            </ul>
          ) : null}
          {report.warnings.length > 0 ? (
            <ul aria-label="Warnings">
              {report.warnings.map((warning, index) => (
                <li key={index}>
                  {warning.row === null ? '' : `Row ${warning.row}: `}
                  {warning.message}
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
    </section>
  );
}

function ExportPanel() {
  const mesh = useMesh();
  const [confirming, setConfirming] = useState(false);
  const [file, setFile] = useState<{ url: string; entries: number } | null>(null);
  const [error, setError] = useState<MeshIpcError | null>(null);
  useEffect(() => () => void (file && URL.revokeObjectURL(file.url)), [file]);
  return (
    <section className="panel" aria-labelledby="export-heading">
      <h2 id="export-heading">Export</h2>
      {!confirming ? (
        <button type="button" className="button quiet" onClick={() => setConfirming(true)}>
          Export to a CSV file…
        </button>
      ) : (
        <div role="alertdialog" aria-labelledby="export-warning">
          <p id="export-warning" className="notice">
            The file holds every password in plain text: anyone who can read it can read your
            passwords. Keep it only as long as you need it, and delete it afterwards.
          </p>
          <div className="button-row">
            <button
              type="button"
              className="button danger"
              onClick={() => {
                if (mesh === null) return;
                void mesh.passwords.export({ format: 'bitwarden' }).then((reply) => {
                  setConfirming(false);
                  if (!reply.ok) return setError(reply.error);
                  const blob = new Blob([reply.value.csv], { type: 'text/csv' });
                  setFile({ url: URL.createObjectURL(blob), entries: reply.value.entries });
                });
              }}
            >
              Export in plain text
            </button>
            <button type="button" className="button quiet" onClick={() => setConfirming(false)}>
              Cancel
            </button>
          </div>
        </div>
      )}
      {error ? <Failure error={error} /> : null}
      {file ? (
        <p>
          <a href={file.url} download="mesh-passwords.csv">
            Save the file ({file.entries} entries)
          </a>
        </p>
      ) : null}
    </section>
  );
}

export function PasswordsScreen() {
  const mesh = useMesh();
  const rows = useMeshStore(selectVisiblePasswordRows);
  const failed = useMeshStore(selectUploadFailed);
  const { all, query, selected, search, select, readPasswords, syncNow } = useMeshStore(
    useShallow((state) => ({
      all: state.passwordRows,
      query: state.passwordQuery,
      selected: state.selectedPasswordId,
      search: state.searchPasswords,
      select: state.selectPassword,
      readPasswords: state.readPasswords,
      syncNow: state.syncNow,
    })),
  );
  const [editing, setEditing] = useState<{ id: string | null; initial: EditorValues } | null>(null);
  const [undo, setUndo] = useState<{ id: string; title: string } | null>(null);
  const [error, setError] = useState<MeshIpcError | null>(null);

  useEffect(() => {
    void readPasswords();
  }, [readPasswords]);

  // The toast offers Undo for UNDO_SECONDS; the entry is deleted already.
  useEffect(() => {
    if (undo === null) return;
    const timer = setTimeout(() => setUndo(null), UNDO_SECONDS * 1000);
    return () => clearTimeout(timer);
  }, [undo]);

  // Sync after each change, so the other devices get it (docs/architecture.md section 7, Sync).
  const changed = useCallback(() => {
    void readPasswords();
    void syncNow();
  }, [readPasswords, syncNow]);

  const everything = all.phase === 'loaded' ? all.value : [];
  return (
    <ScreenFrame title="Passwords">
      <div className="button-row">
        <button
          type="button"
          className="button"
          onClick={() => setEditing({ id: null, initial: blank })}
        >
          Add a password
        </button>
      </div>
      {undo ? (
        <p className="notice toast" role="status" data-testid="undo-toast">
          {undo.title} deleted.{' '}
          <button
            type="button"
            className="button quiet"
            onClick={() => {
              const { id } = undo;
              setUndo(null);
              void mesh?.passwords.undelete({ id }).then((reply) => {
                if (!reply.ok) return setError(reply.error);
                select(id);
                changed();
              });
            }}
          >
            Undo
          </button>
        </p>
      ) : null}
      {error ? <Failure error={error} /> : null}
      <UploadFailures failed={failed} rows={everything} onShow={select} />
      <div className="password-layout">
        <div>
          <label htmlFor="password-search" id="password-list-label">
            Search passwords
          </label>
          <input
            id="password-search"
            className="search"
            type="search"
            value={query}
            autoComplete="off"
            onChange={(event) => search(event.target.value)}
          />
          <ScopeControls rows={everything} />
          {all.phase === 'failed' ? (
            <Failure error={all.error} onRetry={() => void readPasswords()} />
          ) : all.phase !== 'loaded' ? (
            <Loading what="Reading your passwords…" />
          ) : all.value.length === 0 ? (
            <div className="empty">
              <p>No passwords yet. Add one, or import them from another password manager.</p>
            </div>
          ) : (
            <>
              <p className="field-hint" role="status" data-testid="password-count">
                {query === ''
                  ? `${rows.length} ${rows.length === 1 ? 'entry' : 'entries'}`
                  : `${rows.length} found`}
              </p>
              <PasswordList
                rows={rows}
                selectedId={selected}
                onSelect={select}
                labelledBy="password-list-label"
              />
            </>
          )}
        </div>
        <div>
          {editing ? (
            <PasswordEditor
              key={editing.id ?? 'new'}
              id={editing.id}
              initial={editing.initial}
              folders={foldersOf(everything)}
              onCancel={() => setEditing(null)}
              onSaved={(id) => {
                setEditing(null);
                select(id);
                changed();
              }}
            />
          ) : selected !== null ? (
            <PasswordDetail
              id={selected}
              onChanged={changed}
              onEdit={() => {
                if (mesh === null) return;
                void editorValuesOf(mesh, selected).then((values) => {
                  if ('code' in values) return setError(values);
                  setEditing({ id: selected, initial: values });
                });
              }}
              onDelete={(title) => {
                const id = selected;
                void mesh?.passwords.delete({ id }).then((reply) => {
                  if (!reply.ok) return setError(reply.error);
                  setError(null);
                  select(null);
                  setUndo({ id, title });
                  changed();
                });
              }}
            />
          ) : (
            <p className="field-hint">Choose an entry to see it.</p>
          )}
        </div>
      </div>
      <ImportPanel onImported={changed} />
      <ExportPanel />
    </ScreenFrame>
  );
}

/** The editor's values for an entry: its detail, with the hidden custom fields' values. */
async function editorValuesOf(
  mesh: NonNullable<ReturnType<typeof useMesh>>,
  id: string,
): Promise<EditorValues | MeshIpcError> {
  const reply = await mesh.passwords.get({ id });
  if (!reply.ok) return reply.error;
  const detail = reply.value;
  const fields: EditorValues['fields'][number][] = [];
  for (const [index, field] of detail.fields.entries()) {
    let value = field.value;
    if (value === null) {
      const revealed = await mesh.passwords.revealField({ id, index });
      if (!revealed.ok) return revealed.error;
      value = revealed.value.value;
    }
    fields.push({ name: field.name, value, hidden: field.hidden });
  }
  return {
    title: detail.title,
    site: detail.sites[0] ?? '',
    username: detail.username ?? '',
    password: '',
    notes: detail.notes ?? '',
    totp: '',
    folder: detail.folder ?? '',
    favorite: detail.favorite,
    fields,
  };
}
