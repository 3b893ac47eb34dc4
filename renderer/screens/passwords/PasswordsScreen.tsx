/**
 * Passwords (docs/architecture.md section 8): the virtualized list with search as you type, the
 * selected entry's detail, add and edit with the generator, delete with undo (the delete is sent
 * when the undo lapses), CSV import with its report, and export with a warning that the file is
 * plain text.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { MeshIpcError } from '../../../shared/ipc/contract';
import { useMesh } from '../../app/mesh-context';
import { PasswordList } from '../../components/PasswordList';
import { ScreenFrame } from '../../components/ScreenFrame';
import { Failure, Loading } from '../../components/StateViews';
import { useMeshStore } from '../../store/MeshStoreProvider';
import { selectVisiblePasswordRows } from '../../store/passwords-slice';
import { PasswordDetail } from './PasswordDetail';
import { PasswordEditor, type EditorValues } from './PasswordEditor';

const UNDO_SECONDS = 8;
const blank: EditorValues = {
  title: '',
  site: '',
  username: '',
  password: '',
  notes: '',
  totp: '',
};

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
  const { all, query, selected, search, select, readPasswords } = useMeshStore(
    useShallow((state) => ({
      all: state.passwordRows,
      query: state.passwordQuery,
      selected: state.selectedPasswordId,
      search: state.searchPasswords,
      select: state.selectPassword,
      readPasswords: state.readPasswords,
    })),
  );
  const [editing, setEditing] = useState<{ id: string | null; initial: EditorValues } | null>(null);
  const [undo, setUndo] = useState<{ id: string; title: string } | null>(null);
  const [error, setError] = useState<MeshIpcError | null>(null);
  const pendingDelete = useRef<{ id: string; timer: ReturnType<typeof setTimeout> } | null>(null);

  useEffect(() => {
    void readPasswords();
  }, [readPasswords]);

  // Sync after each change, so the other devices get it (docs/architecture.md section 7, Sync).
  const changed = useCallback(() => {
    void readPasswords();
    void mesh?.account.sync().then(() => readPasswords());
  }, [mesh, readPasswords]);

  const commitDelete = useCallback(() => {
    const pending = pendingDelete.current;
    if (pending === null || mesh === null) return;
    clearTimeout(pending.timer);
    pendingDelete.current = null;
    setUndo(null);
    void mesh.passwords.delete({ id: pending.id }).then((reply) => {
      if (!reply.ok) setError(reply.error);
      changed();
    });
  }, [mesh, changed]);
  // Leaving the screen sends a delete waiting for its undo.
  useEffect(() => () => commitDelete(), [commitDelete]);

  const shown = undo === null ? rows : rows.filter((row) => row.id !== undo.id);
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
        <p className="notice" role="status">
          {undo.title} deleted.{' '}
          <button
            type="button"
            className="button quiet"
            onClick={() => {
              if (pendingDelete.current) clearTimeout(pendingDelete.current.timer);
              pendingDelete.current = null;
              setUndo(null);
            }}
          >
            Undo
          </button>
        </p>
      ) : null}
      {error ? <Failure error={error} /> : null}
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
                  ? `${shown.length} ${shown.length === 1 ? 'entry' : 'entries'}`
                  : `${shown.length} found`}
              </p>
              <PasswordList
                rows={shown}
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
              onCancel={() => setEditing(null)}
              onSaved={(id) => {
                setEditing(null);
                select(id);
                changed();
              }}
            />
          ) : selected !== null && selected !== undo?.id ? (
            <PasswordDetail
              id={selected}
              onChanged={changed}
              onEdit={() => {
                void mesh?.passwords.get({ id: selected }).then((reply) => {
                  if (!reply.ok) return setError(reply.error);
                  setEditing({
                    id: selected,
                    initial: {
                      title: reply.value.title,
                      site: reply.value.sites[0] ?? '',
                      username: reply.value.username ?? '',
                      password: '',
                      notes: reply.value.notes ?? '',
                      totp: '',
                    },
                  });
                });
              }}
              onDelete={(title) => {
                commitDelete();
                pendingDelete.current = {
                  id: selected,
                  timer: setTimeout(() => commitDelete(), UNDO_SECONDS * 1000),
                };
                setUndo({ id: selected, title });
                select(null);
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
