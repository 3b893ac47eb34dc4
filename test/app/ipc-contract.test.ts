// The IPC contract's two ends (shared/ipc) joined in memory, without Electron (STYLE.md, after
// VS Code's ipc.test.ts): the generic proxy builds window.mesh from the table, the dispatcher
// checks requests and results, and typed errors come back as replies.
import { describe, expect, it, vi } from 'vitest';
import { MeshError } from '../../shared/errors';
import { createMeshApi, type MeshTransport } from '../../shared/ipc/client';
import {
  meshEvents,
  meshMethods,
  meshRequestSchema,
  type MeshEventMessage,
} from '../../shared/ipc/contract';
import { createMeshDispatcher, type MeshHandlers } from '../../shared/ipc/dispatcher';
import { meshEventNames, meshMethodNames } from '../../shared/ipc/names';

const info = {
  name: 'Mesh Desktop',
  version: '9.9.9',
  platform: 'linux',
  arch: 'x64',
  electron: '45.4.1',
  service: { kind: 'embedded' as const },
};

function handlers(overrides: Partial<MeshHandlers> = {}): MeshHandlers {
  return {
    'app.info': async () => info,
    'session.status': async () => ({ profile: 'none' }),
    'service.status': async () => ({
      location: info.service,
      state: 'ready',
      url: 'http://127.0.0.1:41234',
      accountService: '127.0.0.1:41234',
      message: null,
    }),
    ...overrides,
  };
}

/** An in-memory pair of ends: the client's transport calls the dispatcher directly. */
function pair(table: MeshHandlers, onInternal = vi.fn()) {
  const dispatch = createMeshDispatcher(table, onInternal);
  const listeners = new Set<(message: MeshEventMessage) => void>();
  const transport: MeshTransport = {
    invoke: (request) => dispatch(structuredClone(request)),
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  const push = (message: MeshEventMessage) => listeners.forEach((l) => l(message));
  return { api: createMeshApi(transport), dispatch, push, listeners, onInternal };
}

describe('the contract table', () => {
  it('has schemas for exactly the names the preload knows', () => {
    expect(Object.keys(meshMethods).sort()).toEqual([...meshMethodNames].sort());
    expect(Object.keys(meshEvents).sort()).toEqual([...meshEventNames].sort());
  });

  it('builds a request schema that accepts every method with its arguments', () => {
    for (const method of meshMethodNames) {
      expect(meshRequestSchema.safeParse({ method, args: [] }).success, method).toBe(true);
    }
  });
});

describe('window.mesh over an in-memory pair', () => {
  it('has one function per method, grouped by namespace, and on()', () => {
    const { api } = pair(handlers());
    expect(Object.keys(api).sort()).toEqual(['app', 'on', 'service', 'session']);
    expect(Object.keys(api.app)).toEqual(['info']);
    expect(Object.keys(api.session)).toEqual(['status']);
    expect(Object.keys(api.service)).toEqual(['status']);
    expect(Object.isFrozen(api)).toBe(true);
    expect(Object.isFrozen(api.app)).toBe(true);
  });

  it('round-trips a call to its handler and back', async () => {
    const { api } = pair(handlers());
    expect(await api.app.info()).toEqual({ ok: true, value: info });
    expect(await api.session.status()).toEqual({ ok: true, value: { profile: 'none' } });
  });

  it('carries a MeshError thrown by a handler as a typed error', async () => {
    const { api } = pair(
      handlers({
        'session.status': async () => {
          throw new MeshError('KEYCHAIN_UNAVAILABLE', 'The keychain is locked', {
            service: 'mesh',
          });
        },
      }),
    );
    expect(await api.session.status()).toEqual({
      ok: false,
      error: {
        code: 'KEYCHAIN_UNAVAILABLE',
        message: 'The keychain is locked',
        details: { service: 'mesh' },
      },
    });
  });

  it('answers INTERNAL for any other failure, without its message', async () => {
    const { api, onInternal } = pair(
      handlers({
        'app.info': async () => {
          throw new Error('seed 0123456789abcdef leaked');
        },
      }),
    );
    const reply = await api.app.info();
    expect(reply).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    expect(JSON.stringify(reply)).not.toContain('0123456789abcdef');
    expect(onInternal).toHaveBeenCalledOnce();
  });

  it('refuses a result outside the result schema, so nothing extra crosses', async () => {
    const { api } = pair(
      handlers({
        'session.status': async () =>
          ({ profile: 'none', privateKey: 'd=SECRET' }) as unknown as { profile: 'none' },
      }),
    );
    const reply = await api.session.status();
    expect(reply).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    expect(JSON.stringify(reply)).not.toContain('SECRET');
  });

  it('resolves, never rejects, when the transport fails', async () => {
    const api = createMeshApi({
      invoke: () => Promise.reject(new Error('No handler registered for mesh:invoke')),
      subscribe: () => () => {},
    });
    expect(await api.app.info()).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
  });

  it('hands event listeners the payload of their event only, until unsubscribed', () => {
    const { api, push, listeners } = pair(handlers());
    const seen: unknown[] = [];
    const stop = api.on('syncState', (payload) => seen.push(payload));
    push({
      event: 'pendingApproval',
      payload: {
        requestId: 'r',
        deviceUdf: 'u',
        deviceDescription: 'd',
        witness: 'w',
        pinVerified: false,
        expires: '2026-11-23T12:00:00Z',
      },
    });
    push({ event: 'syncState', payload: { state: 'syncing', lastSyncedAt: null } });
    stop();
    push({ event: 'syncState', payload: { state: 'idle', lastSyncedAt: null } });
    expect(seen).toEqual([{ state: 'syncing', lastSyncedAt: null }]);
    expect(listeners.size).toBe(0);
  });

  it('refuses unknown events and non-function listeners', () => {
    const { api } = pair(handlers());
    expect(() => api.on('keys' as 'syncState', () => {})).toThrow(TypeError);
    expect(() => api.on('syncState', 'x' as unknown as () => void)).toThrow(TypeError);
  });
});

describe('the dispatcher on malformed requests', () => {
  const cases: [string, unknown, string][] = [
    ['not an object', 'app.info', 'request'],
    ['null', null, 'request'],
    ['an unknown method', { method: 'keys.export', args: [] }, 'method'],
    ['a missing method', { args: [] }, 'method'],
    ['missing args', { method: 'app.info' }, 'args'],
    ['args that are not a list', { method: 'app.info', args: {} }, 'args'],
    ['too many args', { method: 'session.status', args: [1] }, 'args'],
    ['an extra field', { method: 'app.info', args: [], sender: 'main' }, 'sender'],
  ];
  for (const [what, request, field] of cases) {
    it(`names the field for ${what}`, async () => {
      const called = vi.fn(async () => info);
      const dispatch = createMeshDispatcher(handlers({ 'app.info': called }));
      const reply = await dispatch(request);
      expect(reply).toMatchObject({
        ok: false,
        error: { code: 'INVALID_ARGUMENT', details: { field } },
      });
      if (!reply.ok) expect(reply.error.message).toContain(field);
      expect(called).not.toHaveBeenCalled();
    });
  }
});
