// The renderer's store (docs/architecture.md section 11 "The renderer"): slices read window.mesh
// through the real contract (client and dispatcher joined in memory), each test on a fresh store.
import { describe, expect, it } from 'vitest';
import { visibleScreens } from '../../renderer/app/screens';
import { createMeshStore } from '../../renderer/store/mesh-store';
import { selectScreen } from '../../renderer/store/navigation-slice';
import {
  selectAppInfo,
  selectHasProfile,
  selectSessionStatus,
} from '../../renderer/store/session-slice';
import { createDesktopActions } from '../../renderer/app/desktop-actions';
import { errorWords } from '../../renderer/app/error-words';
import {
  fromAnnouncement,
  selectPendingApprovals,
  selectPendingCount,
} from '../../renderer/store/approvals-slice';
import { connectMeshEvents } from '../../renderer/store/mesh-store';
import { filterPasswordRows, foldersOf } from '../../renderer/store/password-filter';
import { selectVisiblePasswordRows } from '../../renderer/store/passwords-slice';
import { selectLocked } from '../../renderer/store/session-slice';
import { selectSync, selectUploadFailed, syncWords } from '../../renderer/store/sync-slice';
import { MeshError, meshErrorCodes } from '../../shared/errors';
import { createMeshApi } from '../../shared/ipc/client';
import {
  meshEventNames,
  meshMethodNames,
  type AccountStatus,
  type MeshApi,
} from '../../shared/ipc/contract';
import { createMeshDispatcher } from '../../shared/ipc/dispatcher';

const info = {
  name: 'Mesh Desktop',
  version: '0.1.0',
  platform: 'linux',
  arch: 'x64',
  electron: null,
  service: { kind: 'embedded' as const },
};

const unconnected: AccountStatus = {
  state: 'unconnected',
  address: null,
  service: null,
  witness: null,
  profileUdf: null,
  deviceUdf: null,
  deviceName: null,
  role: null,
  devices: null,
  profileUpdated: null,
  lastSync: null,
  online: false,
};

function meshOver(status: () => Promise<AccountStatus>) {
  const target = { app: { info: async () => info }, account: { status } };
  const dispatch = createMeshDispatcher(() => target);
  return createMeshApi<MeshApi>(
    { invoke: dispatch, subscribe: () => () => {} },
    { methods: meshMethodNames, events: meshEventNames },
  );
}

describe('the session slice', () => {
  it('starts idle, then holds what app.info and account.status answered', async () => {
    const store = createMeshStore(meshOver(async () => unconnected));
    expect(selectAppInfo(store.getState())).toEqual({ phase: 'idle' });
    const loading = store.getState().loadSession();
    expect(selectAppInfo(store.getState())).toEqual({ phase: 'loading' });
    await loading;
    expect(selectAppInfo(store.getState())).toEqual({ phase: 'loaded', value: info });
    expect(selectSessionStatus(store.getState())).toEqual({
      phase: 'loaded',
      value: unconnected,
    });
    expect(selectHasProfile(store.getState())).toBe(false);
  });

  it('says a profile is present when the backend has one', async () => {
    const present: AccountStatus = {
      ...unconnected,
      state: 'connected',
      address: 'alice@example.com',
      profileUdf: 'MDAB-CDEF-GHIJ',
      deviceUdf: 'MDKL-MNOP-QRST',
      deviceName: 'laptop',
      role: 'administrator',
    };
    const store = createMeshStore(meshOver(async () => present));
    await store.getState().loadSession();
    expect(selectHasProfile(store.getState())).toBe(true);
  });

  it('keeps a typed error when a read fails', async () => {
    const store = createMeshStore(
      meshOver(async () => {
        throw new MeshError('KEYCHAIN_UNAVAILABLE', 'The keychain is locked');
      }),
    );
    await store.getState().loadSession();
    expect(selectSessionStatus(store.getState())).toEqual({
      phase: 'failed',
      error: { code: 'KEYCHAIN_UNAVAILABLE', message: 'The keychain is locked', details: {} },
    });
    expect(selectAppInfo(store.getState()).phase).toBe('loaded');
  });

  it('fails every read with NOT_CONNECTED when there is no window.mesh', async () => {
    const store = createMeshStore(null);
    await store.getState().loadSession();
    expect(selectAppInfo(store.getState())).toMatchObject({
      phase: 'failed',
      error: { code: 'NOT_CONNECTED' },
    });
  });

  it('gives each store its own state', async () => {
    const first = createMeshStore(meshOver(async () => unconnected));
    await first.getState().loadSession();
    first.getState().showScreen('about');
    const second = createMeshStore(meshOver(async () => unconnected));
    expect(selectAppInfo(second.getState())).toEqual({ phase: 'idle' });
    expect(selectScreen(second.getState())).toBe('onboarding');
  });
});

describe('the navigation', () => {
  it('moves between screens', () => {
    const store = createMeshStore(null);
    expect(selectScreen(store.getState())).toBe('onboarding');
    store.getState().showScreen('about');
    expect(selectScreen(store.getState())).toBe('about');
  });

  it('offers onboarding only to a device without a profile', () => {
    expect(visibleScreens(false).map((s) => s.id)).toEqual(['onboarding', 'settings', 'about']);
    const withProfile = visibleScreens(true).map((s) => s.id);
    expect(withProfile).not.toContain('onboarding');
    expect(withProfile.slice(0, 3)).toEqual(['passwords', 'approvals', 'devices']);
  });
});

describe('the approvals slice', () => {
  const announced = {
    requestId: 'r1',
    deviceUdf: 'MDAB-CDEF',
    deviceDescription: 'phone',
    witness: 'ABCD-EFGH-IJKL',
    pinVerified: false,
    expires: '2026-01-01T00:05:00Z',
  };

  it('adds each announced request once, counts them, and drops a settled one', () => {
    const store = createMeshStore(null);
    store.getState().approvalArrived(fromAnnouncement(announced));
    store.getState().approvalArrived(fromAnnouncement(announced));
    store
      .getState()
      .approvalArrived(fromAnnouncement({ ...announced, requestId: 'r2', deviceUdf: 'MDXY' }));
    expect(selectPendingCount(store.getState())).toBe(2);
    store.getState().approvalSettled('r1');
    expect(selectPendingApprovals(store.getState()).map((r) => r.id)).toEqual(['r2']);
  });

  it('takes pushes through connectMeshEvents until stopped', () => {
    const listeners = new Map<string, (payload: unknown) => void>();
    const mesh = {
      on: (event: string, listener: (payload: unknown) => void) => {
        listeners.set(event, listener);
        return () => listeners.delete(event);
      },
      connect: { pending: async () => ({ ok: true, value: { pending: [], unverifiable: [] } }) },
    } as unknown as MeshApi;
    const store = createMeshStore(null);
    const stop = connectMeshEvents(store, mesh);
    listeners.get('pendingApproval')?.(announced);
    listeners.get('syncState')?.({
      state: 'offline',
      lastSyncedAt: null,
      code: 'NETWORK',
      pending: 2,
    });
    listeners.get('locked')?.({ locked: true, reason: 'suspend' });
    expect(selectPendingCount(store.getState())).toBe(1);
    expect(syncWords(selectSync(store.getState()))).toBe('Offline: 2 changes wait to go out');
    expect(selectLocked(store.getState())).toBe(true);
    listeners.get('showScreen')?.({ screen: 'devices' });
    expect(selectScreen(store.getState())).toBe('devices');
    listeners.get('connectLink')?.({ link: 'mcu://a@b/PIN' });
    expect(store.getState().connectLink).toBe('mcu://a@b/PIN');
    stop();
    expect(listeners.size).toBe(0);
  });
});

describe('the sync words', () => {
  it('says synced, syncing, and offline with the changes waiting', () => {
    expect(syncWords(null)).toBe('Not synced yet');
    const base = { code: null, pending: 0 };
    expect(syncWords({ ...base, state: 'idle', lastSyncedAt: '2026-01-01T00:00:00Z' })).toBe(
      'Synced',
    );
    expect(syncWords({ ...base, state: 'syncing', lastSyncedAt: null })).toBe('Syncing…');
    expect(syncWords({ ...base, state: 'offline', lastSyncedAt: null, pending: 3 })).toBe(
      'Offline: 3 changes wait to go out',
    );
  });
});

describe('the passwords slice', () => {
  const rows = Array.from({ length: 10_000 }, (_, index) => ({
    id: `e${index}`,
    title: `Site ${index}`,
    username: index % 2 === 0 ? 'alice' : 'bob',
    site: `https://site${index}.example`,
  }));

  it('filters as typed, every word in any field, memoized', () => {
    const store = createMeshStore(null);
    store.getState().passwordRowsChanged({ phase: 'loaded', value: rows });
    expect(selectVisiblePasswordRows(store.getState())).toHaveLength(10_000);
    store.getState().searchPasswords('SITE12 bob');
    const found = selectVisiblePasswordRows(store.getState());
    expect(found.every((row) => row.username === 'bob' && row.title.includes('12'))).toBe(true);
    expect(found.map((row) => row.id)).toContain('e1201');
    expect(selectVisiblePasswordRows(store.getState())).toBe(found);
    expect(filterPasswordRows(rows, 'nothing-matches')).toEqual([]);
  });

  it('scopes the list to a folder (and those below it), to no folder, to favourites', () => {
    const store = createMeshStore(null);
    const scoped = [
      {
        id: 'a',
        title: 'Bank',
        username: 'u',
        site: 'bank.example',
        folder: 'Work/Banking',
        favorite: true,
      },
      { id: 'b', title: 'Desk', username: 'u', site: 'desk.example', folder: 'Work' },
      { id: 'c', title: 'Shop', username: 'u', site: 'shop.example', folder: '', favorite: true },
      { id: 'd', title: 'Workshop', username: 'u', site: 'w.example', folder: 'Workshop' },
    ];
    store.getState().passwordRowsChanged({ phase: 'loaded', value: scoped });
    const ids = () => selectVisiblePasswordRows(store.getState()).map((row) => row.id);
    expect(foldersOf(scoped)).toEqual(['Work', 'Work/Banking', 'Workshop']);
    store.getState().scopePasswords({ folder: 'Work', favoritesOnly: false });
    expect(ids()).toEqual(['a', 'b']);
    store.getState().scopePasswords({ folder: '', favoritesOnly: false });
    expect(ids()).toEqual(['c']);
    store.getState().scopePasswords({ folder: null, favoritesOnly: true });
    expect(ids()).toEqual(['a', 'c']);
    store.getState().searchPasswords('shop');
    expect(ids()).toEqual(['c']);
    store.getState().scopePasswords({ folder: 'Work', favoritesOnly: true });
    store.getState().searchPasswords('');
    expect(ids()).toEqual(['a']);
  });

  it('is emptied when the window locks', async () => {
    const store = createMeshStore(null);
    store.getState().passwordRowsChanged({ phase: 'loaded', value: rows });
    store.getState().selectPassword('e1');
    await createDesktopActions(store, null).lock();
    expect(selectLocked(store.getState())).toBe(true);
    expect(store.getState().passwordRows).toEqual({ phase: 'idle' });
    expect(store.getState().selectedPasswordId).toBeNull();
  });
});

describe('the sync slice', () => {
  it('keeps what account.sync could not upload, and the banner counts it', async () => {
    const report = {
      downloaded: 0,
      uploaded: 1,
      conflicts: 0,
      conflictsKept: [],
      profileRefreshed: false,
      catalogs: [],
      carriedOver: 0,
      created: [],
      shared: [],
      rotated: [],
      checkpointSize: 1,
      failed: [{ type: 'password' as const, id: 'big' }],
    };
    const target = {
      account: { sync: async () => report },
      passwords: { list: async () => [] },
    };
    const dispatch = createMeshDispatcher(() => target);
    const mesh = createMeshApi<MeshApi>(
      { invoke: dispatch, subscribe: () => () => {} },
      { methods: meshMethodNames, events: meshEventNames },
    );
    const store = createMeshStore(mesh);
    await store.getState().syncNow();
    expect(selectUploadFailed(store.getState())).toEqual([{ type: 'password', id: 'big' }]);
    expect(store.getState().passwordRows).toEqual({ phase: 'loaded', value: [] });
    const synced = { state: 'idle' as const, lastSyncedAt: '2026-01-01T00:00:00Z', code: null };
    expect(syncWords({ ...synced, pending: 1 }, 1)).toBe('Synced; 1 entry could not be uploaded');
    expect(syncWords({ ...synced, pending: 0 }, 0)).toBe('Synced');
  });
});

describe('error words', () => {
  it('has words for every code, none naming a flag or an environment variable', () => {
    for (const code of meshErrorCodes) {
      const words = errorWords({ code });
      expect(words.title.length, code).toBeGreaterThan(5);
      expect(`${words.title} ${words.advice}`).not.toMatch(/--|MESH_|\$[A-Z]/);
    }
  });

  it("tells a full disk here from the service's (status 507)", () => {
    expect(errorWords({ code: 'DISK_FULL', details: { path: '/home' } }).title).toContain(
      'This computer',
    );
    expect(errorWords({ code: 'DISK_FULL', details: { status: 507 } }).title).toContain(
      'The Mesh service',
    );
  });
});
