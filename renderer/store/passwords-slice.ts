/**
 * The `passwords` slice: the list (summaries, never a password), the search as typed, the folder
 * and favourites filter, the selected entry. Emptied when the program locks: a locked window holds
 * no entries.
 */
import type { StateCreator } from 'zustand';
import type { MeshApi } from '../../shared/ipc/contract';
import { idle, loading, type Loadable } from './loadable';
import type { MeshState } from './mesh-store';
import {
  everyPassword,
  filterPasswordRows,
  scopePasswordRows,
  type PasswordRow,
  type PasswordScope,
} from './password-filter';

// ---- state
export interface PasswordsState {
  readonly passwordRows: Loadable<readonly PasswordRow[]>;
  readonly passwordQuery: string;
  readonly passwordScope: PasswordScope;
  readonly selectedPasswordId: string | null;
}

export const initialPasswordsState: PasswordsState = {
  passwordRows: idle,
  passwordQuery: '',
  passwordScope: everyPassword,
  selectedPasswordId: null,
};

// ---- actions
export interface PasswordsActions {
  readonly passwordRowsChanged: (rows: Loadable<readonly PasswordRow[]>) => void;
  readonly searchPasswords: (query: string) => void;
  readonly scopePasswords: (scope: PasswordScope) => void;
  readonly selectPassword: (id: string | null) => void;
  /** Reads `passwords.list` (summaries, no secrets) into the rows. */
  readonly readPasswords: () => Promise<void>;
}

export type PasswordsSlice = PasswordsState & PasswordsActions;

export function createPasswordsSlice(
  mesh: MeshApi | null,
): StateCreator<MeshState, [], [], PasswordsSlice> {
  return (set, get) => ({
    ...initialPasswordsState,
    passwordRowsChanged: (passwordRows) => set({ passwordRows }),
    searchPasswords: (passwordQuery) => set({ passwordQuery }),
    scopePasswords: (passwordScope) => set({ passwordScope }),
    selectPassword: (selectedPasswordId) => set({ selectedPasswordId }),
    readPasswords: async () => {
      if (mesh === null) return;
      // A re-read keeps the rows shown; only the first read shows "loading".
      if (get().passwordRows.phase !== 'loaded') set({ passwordRows: loading });
      const reply = await mesh.passwords.list();
      if (get().lock.locked) return;
      set({
        passwordRows: reply.ok
          ? {
              phase: 'loaded',
              value: reply.value.map((entry) => ({
                id: entry.id,
                title: entry.title,
                username: entry.username ?? '',
                site: entry.sites[0] ?? '',
                folder: entry.folder ?? '',
                favorite: entry.favorite,
              })),
            }
          : { phase: 'failed', error: reply.error },
      });
    },
  });
}

// ---- selectors
const noRows: readonly PasswordRow[] = [];
let lastRows: readonly PasswordRow[] = noRows;
let lastScope: PasswordScope = everyPassword;
let lastScoped: readonly PasswordRow[] = noRows;
let lastQuery = '';
let lastResult: readonly PasswordRow[] = noRows;

/**
 * The rows in the folder and favourites scope matching the search (memoized on the list, the
 * scope and the query; the scoped rows are one array while the scope stays, so the search's
 * per-list text is computed once).
 */
export const selectVisiblePasswordRows = (state: MeshState): readonly PasswordRow[] => {
  const rows = state.passwordRows.phase === 'loaded' ? state.passwordRows.value : noRows;
  const scopeChanged = rows !== lastRows || state.passwordScope !== lastScope;
  if (scopeChanged) {
    lastRows = rows;
    lastScope = state.passwordScope;
    lastScoped = scopePasswordRows(rows, state.passwordScope);
  }
  if (scopeChanged || state.passwordQuery !== lastQuery) {
    lastQuery = state.passwordQuery;
    lastResult = filterPasswordRows(lastScoped, state.passwordQuery);
  }
  return lastResult;
};
export const selectPasswordScope = (state: MeshState): PasswordScope => state.passwordScope;
export const selectPasswordQuery = (state: MeshState): string => state.passwordQuery;
export const selectSelectedPasswordId = (state: MeshState): string | null =>
  state.selectedPasswordId;
