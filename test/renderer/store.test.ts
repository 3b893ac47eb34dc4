// The renderer's store (STYLE.md "The renderer"): slices read window.mesh through the real
// contract (client and dispatcher joined in memory), each test on a fresh store.
import { describe, expect, it } from 'vitest';
import { visibleScreens } from '../../renderer/app/screens';
import { createMeshStore } from '../../renderer/store/mesh-store';
import { selectScreen } from '../../renderer/store/navigation-slice';
import {
  selectAppInfo,
  selectHasProfile,
  selectSessionStatus,
} from '../../renderer/store/session-slice';
import { MeshError } from '../../shared/errors';
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
    expect(visibleScreens(false).map((s) => s.id)).toEqual(['onboarding', 'about']);
    expect(visibleScreens(true).map((s) => s.id)).toEqual(['about']);
  });
});
