// The IPC contract's two ends (shared/ipc) joined in memory, without Electron (after VS Code's
// ipc.test.ts): the generic proxy builds window.mesh from the table's names, the generic
// dispatcher checks each request against the table and routes it to `target[namespace][method]`,
// replies are allow-listed, typed errors come back as replies - and a method added to a copy of
// the table is reachable from the renderer-side API with no other edit.
import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { MeshError } from '../../shared/errors';
import { createMeshApi, type MeshTransport } from '../../shared/ipc/client';
import {
  coreNamespaces,
  meshEventNames,
  meshEvents,
  meshMethodNames,
  meshMethods,
  type ApiOf,
  type MeshApi,
  type MeshEventMessage,
} from '../../shared/ipc/contract';
import {
  createMeshDispatcher,
  type DispatchTarget,
  type MeshRoute,
} from '../../shared/ipc/dispatcher';
import { method, noRequest } from '../../shared/ipc/method';

const info = {
  name: 'Mesh Desktop',
  version: '9.9.9',
  platform: 'linux',
  arch: 'x64',
  electron: '45.4.1',
  service: { kind: 'embedded' as const },
};

const unconnected = {
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

/** A target answering a few methods; `overrides` replaces groups' members. */
function target(overrides: Record<string, Record<string, unknown>> = {}): DispatchTarget {
  const base: Record<string, Record<string, unknown>> = {
    app: { info: async () => info },
    account: {
      status: async () => unconnected,
      validate: async (request: { name: string }) => ({
        valid: true,
        address: `${request.name}@example.com`,
        problem: null,
        invalidCharacters: null,
      }),
    },
  };
  for (const [namespace, members] of Object.entries(overrides)) {
    base[namespace] = { ...base[namespace], ...members };
  }
  return base;
}

/** An in-memory pair of ends: the client's transport calls the dispatcher directly. */
function pair(route: MeshRoute, onInternalError = vi.fn()) {
  const dispatch = createMeshDispatcher(route, { onInternalError });
  const listeners = new Set<(message: MeshEventMessage) => void>();
  const transport: MeshTransport = {
    invoke: (request) => dispatch(structuredClone(request)),
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  const push = (message: MeshEventMessage) => listeners.forEach((l) => l(message));
  const api = createMeshApi<MeshApi>(transport, {
    methods: meshMethodNames,
    events: meshEventNames,
  });
  return { api, dispatch, push, listeners, onInternalError };
}

describe('the contract table', () => {
  it('names every method namespace.method, each core namespace with methods', () => {
    for (const name of meshMethodNames) expect(name).toMatch(/^[a-z]+\.[a-zA-Z]+$/);
    const namespaces = new Set(meshMethodNames.map((name) => name.split('.')[0]));
    for (const namespace of coreNamespaces) expect(namespaces.has(namespace)).toBe(true);
    expect(Object.keys(meshEvents).sort()).toEqual([...meshEventNames].sort());
  });

  it('takes one request object or none in every method', () => {
    for (const name of meshMethodNames) {
      const request = meshMethods[name].request;
      const none = request instanceof z.ZodUndefined;
      const inner = request instanceof z.ZodOptional ? request.unwrap() : request;
      expect(none || inner instanceof z.ZodObject, name).toBe(true);
      expect(request.safeParse([1, 2]).success, name).toBe(false);
    }
  });
});

describe('window.mesh over an in-memory pair', () => {
  it('has one function per method, grouped by namespace, on() and cancel()', () => {
    const { api } = pair(() => target());
    expect(Object.keys(api).sort()).toEqual(
      ['on', 'cancel', ...new Set(meshMethodNames.map((name) => name.split('.')[0]))].sort(),
    );
    expect(Object.keys(api.app)).toEqual(['info']);
    expect(Object.keys(api.passwords)).toContain('reveal');
    expect(Object.isFrozen(api)).toBe(true);
    expect(Object.isFrozen(api.app)).toBe(true);
  });

  it('round-trips a call with its request object to the routed target and back', async () => {
    const { api } = pair(() => target());
    expect(await api.app.info()).toEqual({ ok: true, value: info });
    expect(await api.account.status()).toEqual({ ok: true, value: unconnected });
    expect(await api.account.validate({ name: 'alice' })).toMatchObject({
      ok: true,
      value: { valid: true, address: 'alice@example.com' },
    });
  });

  it('routes by namespace: an unopened device fails the core namespaces only', async () => {
    const route: MeshRoute = (namespace) =>
      namespace === 'app'
        ? target()
        : Promise.reject(new MeshError('KEYCHAIN_UNAVAILABLE', 'The keychain is locked'));
    const { api } = pair(route);
    expect(await api.app.info()).toEqual({ ok: true, value: info });
    expect(await api.account.status()).toMatchObject({
      ok: false,
      error: { code: 'KEYCHAIN_UNAVAILABLE' },
    });
  });

  it('carries a MeshError thrown by a method as a typed error', async () => {
    const { api } = pair(() =>
      target({
        account: {
          status: async () => {
            throw new MeshError('KEYCHAIN_UNAVAILABLE', 'The keychain is locked', {
              service: 'mesh',
            });
          },
        },
      }),
    );
    expect(await api.account.status()).toEqual({
      ok: false,
      error: {
        code: 'KEYCHAIN_UNAVAILABLE',
        message: 'The keychain is locked',
        details: { service: 'mesh' },
      },
    });
  });

  it('answers INTERNAL for any other failure, without its message', async () => {
    const { api, onInternalError } = pair(() =>
      target({
        app: {
          info: async () => {
            throw new Error('seed 0123456789abcdef leaked');
          },
        },
      }),
    );
    const reply = await api.app.info();
    expect(reply).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    expect(JSON.stringify(reply)).not.toContain('0123456789abcdef');
    expect(onInternalError).toHaveBeenCalledOnce();
  });

  it('answers INTERNAL for a method the target lacks', async () => {
    const { api } = pair(() => target());
    expect(await api.trust.status()).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
  });

  it('refuses a reply outside the reply schema, so nothing extra crosses', async () => {
    const { api } = pair(() =>
      target({ account: { status: async () => ({ ...unconnected, privateKey: 'd=SECRET' }) } }),
    );
    const reply = await api.account.status();
    expect(reply).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    expect(JSON.stringify(reply)).not.toContain('SECRET');
  });

  it('resolves, never rejects, when the transport fails', async () => {
    const api = createMeshApi<MeshApi>(
      {
        invoke: () => Promise.reject(new Error('No handler registered for mesh:invoke')),
        subscribe: () => () => {},
      },
      { methods: meshMethodNames, events: meshEventNames },
    );
    expect(await api.app.info()).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
  });

  it('hands event listeners the payload of their event only, until unsubscribed', () => {
    const { api, push, listeners } = pair(() => target());
    const seen: unknown[] = [];
    const stop = api.on('syncState', (payload) => seen.push(payload));
    const syncing = { state: 'syncing' as const, lastSyncedAt: null, code: null, pending: 0 };
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
    push({ event: 'syncState', payload: syncing });
    stop();
    push({ event: 'syncState', payload: { ...syncing, state: 'idle' } });
    expect(seen).toEqual([syncing]);
    expect(listeners.size).toBe(0);
  });

  it('refuses unknown events and non-function listeners', () => {
    const { api } = pair(() => target());
    expect(() => api.on('keys' as 'syncState', () => {})).toThrow(TypeError);
    expect(() => api.on('syncState', 'x' as unknown as () => void)).toThrow(TypeError);
  });
});

describe('a method added to a copy of the table', () => {
  it('is reachable from the renderer-side API with no other edit', async () => {
    const table = {
      ...meshMethods,
      'devices.wave': method(
        z.strictObject({ udf: z.string().min(1) }),
        z.strictObject({ waved: z.string() }),
      ),
      'lamp.toggle': method(noRequest, z.strictObject({ on: z.boolean() })),
    };
    // The objects the namespaces are routed to: one more member each, nothing else.
    const device = { devices: { wave: async ({ udf }: { udf: string }) => ({ waved: udf }) } };
    const app = { lamp: { toggle: async () => ({ on: true }) } };
    const dispatch = createMeshDispatcher((namespace) => (namespace === 'devices' ? device : app), {
      table,
    });
    const api = createMeshApi<ApiOf<typeof table>>(
      { invoke: (request) => dispatch(structuredClone(request)), subscribe: () => () => {} },
      { methods: Object.keys(table), events: [] },
    );
    expect(await api.devices.wave({ udf: 'MAAA-BBBB' })).toEqual({
      ok: true,
      value: { waved: 'MAAA-BBBB' },
    });
    expect(await api.lamp.toggle()).toEqual({ ok: true, value: { on: true } });
    expect(await api.devices.wave({ udf: '' })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_ARGUMENT', details: { field: 'request.udf' } },
    });
  });
});

describe('cancelling a running call', () => {
  /** A create that runs until its signal is aborted, then fails as the core does. */
  function waitingCreate() {
    let resolveStarted = (): void => {};
    const started = new Promise<void>((resolve) => (resolveStarted = resolve));
    const seen: (AbortSignal | undefined)[] = [];
    const create = async (_request: unknown, options: { signal?: AbortSignal } = {}) => {
      seen.push(options.signal);
      resolveStarted();
      await new Promise((_resolve, reject) => {
        options.signal?.addEventListener('abort', () =>
          reject(new MeshError('CANCELLED', 'the request was cancelled')),
        );
      });
    };
    return { create, started, seen };
  }

  it('aborts the signal of the call with that id, which answers CANCELLED', async () => {
    const waiting = waitingCreate();
    const { api } = pair(() => target({ account: { create: waiting.create } }));
    const reply = api.account.create({ address: 'alice' }, { call: 'create-1' });
    await waiting.started;
    expect(waiting.seen[0]?.aborted).toBe(false);
    expect(await api.cancel('create-1')).toEqual({ ok: true, value: { cancelled: true } });
    expect(await reply).toMatchObject({ ok: false, error: { code: 'CANCELLED' } });
    expect(waiting.seen[0]?.aborted).toBe(true);
    // Finished: the id is free again, and a cancel of it finds nothing.
    expect(await api.cancel('create-1')).toEqual({ ok: true, value: { cancelled: false } });
  });

  it('aborts the call when the program stops, and only the call named', async () => {
    const program = new AbortController();
    const waiting = waitingCreate();
    const dispatch = createMeshDispatcher(() => target({ account: { create: waiting.create } }), {
      signal: program.signal,
    });
    const first = dispatch({ method: 'account.create', request: { address: 'a' }, call: 'one' });
    const second = dispatch({ method: 'account.create', request: { address: 'b' }, call: 'two' });
    await waiting.started;
    expect(await dispatch({ cancel: 'two' })).toEqual({ ok: true, value: { cancelled: true } });
    expect(await second).toMatchObject({ ok: false, error: { code: 'CANCELLED' } });
    expect(waiting.seen[0]?.aborted).toBe(false);
    program.abort();
    expect(await first).toMatchObject({ ok: false, error: { code: 'CANCELLED' } });
  });

  it('refuses a second running call with the same id, and a malformed id', async () => {
    const waiting = waitingCreate();
    const dispatch = createMeshDispatcher(() => target({ account: { create: waiting.create } }));
    const first = dispatch({ method: 'account.create', request: { address: 'a' }, call: 'same' });
    await waiting.started;
    expect(
      await dispatch({ method: 'account.create', request: { address: 'b' }, call: 'same' }),
    ).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT', details: { field: 'call' } } });
    expect(await dispatch({ cancel: 'no spaces allowed' })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_ARGUMENT', details: { field: 'cancel' } },
    });
    expect(await dispatch({ cancel: 'same', method: 'app.info' })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_ARGUMENT' },
    });
    expect(waiting.seen).toHaveLength(1);
    await dispatch({ cancel: 'same' });
    await first;
  });
});

describe('the dispatcher on malformed requests', () => {
  const cases: [string, unknown, string][] = [
    ['not an object', 'app.info', 'request'],
    ['null', null, 'request'],
    ['an unknown method', { method: 'keys.export' }, 'method'],
    ['a missing method', { request: {} }, 'method'],
    ['a request where none is taken', { method: 'app.info', request: { all: true } }, 'request'],
    ['a request that is a list', { method: 'account.validate', request: ['alice'] }, 'request'],
    ['a missing field', { method: 'account.validate', request: {} }, 'request.name'],
    [
      'an unknown field',
      { method: 'account.validate', request: { name: 'a', admin: true } },
      'request.admin',
    ],
    ['an extra envelope field', { method: 'app.info', sender: 'main' }, 'sender'],
  ];
  for (const [what, request, field] of cases) {
    it(`names the field for ${what}`, async () => {
      const called = vi.fn(async () => info);
      const dispatch = createMeshDispatcher(() => target({ app: { info: called } }));
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
