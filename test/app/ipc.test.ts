// electron/app/ipc.ts and the preload joined through the recording fake of `electron`: the
// sender check (checklist 17), the schema check, the device or the program reached, and events pushed back
// with only their payload crossing (checklist 20).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { IpcMainInvokeEvent } from 'electron';
import { createDesktopApi, createDesktopDispatcher } from '../../electron/app/desktop-api';
import { createMeshEventSender, isTrustedSender, registerMeshIpc } from '../../electron/app/ipc';
import { meshNamesArgument } from '../../electron/app/window';
import { isMeshError, MeshError } from '../../shared/errors';
import type { CoreApi, MeshApi, MeshEventMessage } from '../../shared/ipc/contract';
import { createMeshDispatcher, type MeshDispatcher } from '../../shared/ipc/dispatcher';
import { createFakeElectron, FakeFrame, FakeWebContents, type FakeElectron } from './fake-electron';

const holder = vi.hoisted(() => ({ fake: null as FakeElectron | null }));
vi.mock('electron', async () =>
  (await import('./fake-electron')).delegatingElectronModule(() => holder.fake),
);

const identity = {
  name: 'Mesh Desktop',
  version: '0.1.0',
  platform: 'linux',
  arch: 'x64',
  electron: '45.4.1',
};

const unconnected = {
  state: 'unconnected' as const,
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

const idle = { state: 'idle' as const, lastSyncedAt: null, code: null, pending: 0 };

/** The main process's dispatcher over a recording device (only account.status answers). */
function recordingMain(): {
  dispatcher: MeshDispatcher;
  statusCalls: () => number;
  emit: (m: MeshEventMessage) => void;
  onEvent: (listener: (m: MeshEventMessage) => void) => () => void;
} {
  let calls = 0;
  const listeners = new Set<(m: MeshEventMessage) => void>();
  const device = {
    account: {
      status: async () => {
        calls += 1;
        return unconnected;
      },
    },
  } as unknown as CoreApi;
  const service = {
    status: () => ({
      location: { kind: 'embedded' as const },
      state: 'starting' as const,
      url: null,
      accountService: null,
      message: null,
    }),
  };
  const dispatcher = createDesktopDispatcher(
    { device: async () => device as never, signal: new AbortController().signal },
    createDesktopApi({ identity, service }),
  );
  return {
    dispatcher,
    statusCalls: () => calls,
    emit: (message) => listeners.forEach((l) => l(message)),
    onEvent: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

function ourWindow() {
  const webContents = new FakeWebContents();
  return { webContents, isDestroyed: () => false };
}

type AsEvent = IpcMainInvokeEvent;
const asEvent = (value: unknown) => value as AsEvent;

describe('isTrustedSender', () => {
  it('trusts only the top frame of our window showing app://mesh', () => {
    const window = ourWindow();
    const top = window.webContents.mainFrame;
    const event = (sender: unknown, frame: FakeFrame | null) =>
      asEvent({ sender, senderFrame: frame });
    expect(isTrustedSender(event(window.webContents, top), window as never)).toBe(true);
    expect(
      isTrustedSender(
        event(window.webContents, new FakeFrame('app://mesh/x', top)),
        window as never,
      ),
    ).toBe(false);
    expect(
      isTrustedSender(
        event(window.webContents, new FakeFrame('https://evil.example/')),
        window as never,
      ),
    ).toBe(false);
    expect(isTrustedSender(event(window.webContents, new FakeFrame('')), window as never)).toBe(
      false,
    );
    expect(isTrustedSender(event(window.webContents, null), window as never)).toBe(false);
    expect(isTrustedSender(event(new FakeWebContents(), top), window as never)).toBe(false);
    expect(isTrustedSender(event(window.webContents, top), null)).toBe(false);
    expect(
      isTrustedSender(event(window.webContents, top), {
        ...window,
        isDestroyed: () => true,
      } as never),
    ).toBe(false);
  });
});

describe('registerMeshIpc', () => {
  function setUp() {
    const backend = recordingMain();
    const window = ourWindow();
    let handler: ((event: unknown, ...args: unknown[]) => Promise<unknown>) | undefined;
    registerMeshIpc(
      { handle: (_channel: string, h: typeof handler) => (handler = h) } as never,
      backend.dispatcher,
      (event) => isTrustedSender(event, window as never),
    );
    const trusted = { sender: window.webContents, senderFrame: window.webContents.mainFrame };
    return { backend, window, handler: handler!, trusted };
  }

  it('passes a valid request from our frame to the device', async () => {
    const { backend, handler, trusted } = setUp();
    expect(await handler(trusted, { method: 'account.status' })).toEqual({
      ok: true,
      value: unconnected,
    });
    expect(backend.statusCalls()).toBe(1);
  });

  it('refuses a request from a wrong sender frame before reading it', async () => {
    const { backend, handler, window } = setUp();
    const subframe = new FakeFrame('app://mesh/index.html', window.webContents.mainFrame);
    const reply = await handler(
      { sender: window.webContents, senderFrame: subframe },
      { method: 'account.status' },
    );
    expect(reply).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
    expect(backend.statusCalls()).toBe(0);
  });

  it('takes the cancel of a running call on the same channel, from our frame only', async () => {
    const window = ourWindow();
    let signal: AbortSignal | undefined;
    let started: () => void = () => {};
    const running = new Promise<void>((resolve) => (started = resolve));
    const create = async (_request: unknown, options: { signal?: AbortSignal } = {}) => {
      signal = options.signal;
      started();
      await new Promise((_resolve, reject) =>
        options.signal?.addEventListener('abort', () =>
          reject(new MeshError('CANCELLED', 'the request was cancelled')),
        ),
      );
    };
    let handler: ((event: unknown, ...args: unknown[]) => Promise<unknown>) | undefined;
    registerMeshIpc(
      { handle: (_channel: string, h: typeof handler) => (handler = h) } as never,
      createMeshDispatcher(() => ({ account: { create } })),
      (event) => isTrustedSender(event, window as never),
    );
    const trusted = { sender: window.webContents, senderFrame: window.webContents.mainFrame };
    const call = handler!(trusted, {
      method: 'account.create',
      request: { address: 'alice' },
      call: 'create-1',
    });
    await running;
    const subframe = new FakeFrame('app://mesh/index.html', window.webContents.mainFrame);
    expect(
      await handler!({ sender: window.webContents, senderFrame: subframe }, { cancel: 'create-1' }),
    ).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
    expect(signal?.aborted).toBe(false);
    expect(await handler!(trusted, { cancel: 'create-1' })).toEqual({
      ok: true,
      value: { cancelled: true },
    });
    expect(await call).toMatchObject({ ok: false, error: { code: 'CANCELLED' } });
  });

  it('answers a malformed request with a typed error naming the field, without reaching the device', async () => {
    const { backend, handler, trusted } = setUp();
    const reply = await handler(trusted, {
      method: 'account.status',
      request: { account: 'alice' },
    });
    expect(reply).toMatchObject({
      ok: false,
      error: { code: 'INVALID_ARGUMENT', details: { field: 'request.account' } },
    });
    expect(backend.statusCalls()).toBe(0);
  });
});

describe('createMeshEventSender', () => {
  it('sends checked payloads to our page only', () => {
    const contents = new FakeWebContents();
    const send = createMeshEventSender(() => contents);
    send({ event: 'syncState', payload: idle });
    contents.url = 'https://evil.example/';
    send({ event: 'syncState', payload: idle });
    contents.url = 'app://mesh/index.html';
    contents.destroyed = true;
    send({ event: 'syncState', payload: idle });
    expect(contents.sent).toEqual([
      {
        channel: 'mesh:event',
        args: [{ event: 'syncState', payload: idle }],
      },
    ]);
  });

  it('refuses a payload outside the contract with MeshError INTERNAL', () => {
    const contents = new FakeWebContents();
    const send = createMeshEventSender(() => contents);
    let thrown: unknown;
    try {
      send({ event: 'syncState', payload: { ...idle, state: 'exploded' } as never });
    } catch (error) {
      thrown = error;
    }
    expect(isMeshError(thrown, 'INTERNAL')).toBe(true);
    expect(contents.sent).toEqual([]);
  });
});

describe('preload and main joined in memory', () => {
  let fake: FakeElectron;
  let mesh: MeshApi;
  let backend: ReturnType<typeof recordingMain>;
  let window: ReturnType<typeof ourWindow>;

  beforeEach(async () => {
    fake = createFakeElectron();
    holder.fake = fake;
    backend = recordingMain();
    window = ourWindow();
    registerMeshIpc(fake.module.ipcMain as never, backend.dispatcher, (event) =>
      isTrustedSender(event, window as never),
    );
    // What Electron does between the two processes: structured clone, and the sender's frame.
    fake.module.ipcRenderer.invokeTarget = (channel, ...args) => {
      const handler = fake.ipcHandlers.get(channel);
      if (!handler) return Promise.reject(new Error(`No handler registered for '${channel}'`));
      const event = { sender: window.webContents, senderFrame: window.webContents.mainFrame };
      return Promise.resolve(handler(event, ...structuredClone(args)));
    };
    window.webContents.send = (channel: string, ...args: unknown[]) =>
      fake.module.ipcRenderer.deliver(channel, structuredClone(args[0]));
    backend.onEvent(createMeshEventSender(() => window.webContents));
    vi.resetModules();
    // What webPreferences.additionalArguments gives the renderer (window.ts).
    process.argv.push(meshNamesArgument());
    try {
      await import('../../electron/app/preload');
    } finally {
      process.argv.pop();
    }
    mesh = fake.exposed.get('mesh') as MeshApi;
  });
  afterEach(() => {
    holder.fake = null;
  });

  it('exposes exactly one object, window.mesh, and nothing raw', () => {
    expect([...fake.exposed.keys()]).toEqual(['mesh']);
    expect(Object.keys(mesh)).toEqual(
      expect.arrayContaining(['account', 'app', 'connect', 'on', 'passwords', 'service']),
    );
    expect(JSON.stringify(Object.keys(mesh))).not.toContain('ipc');
  });

  it('calls travel the one channel to the device or the program and back', async () => {
    expect(await mesh.account.status()).toEqual({ ok: true, value: unconnected });
    expect(await mesh.app.info()).toMatchObject({ ok: true, value: { version: '0.1.0' } });
    expect(backend.statusCalls()).toBe(1);
    const channels = fake.calls
      .filter((c) => c.name === 'ipcRenderer.invoke')
      .map((c) => c.args[0]);
    expect(channels).toEqual(['mesh:invoke', 'mesh:invoke']);
  });

  it('pushes from the backend reach listeners as payloads only, never the IPC event', () => {
    const received: unknown[][] = [];
    const stop = mesh.on('pendingApproval', (...args) => received.push(args));
    const payload = {
      requestId: 'r1',
      deviceUdf: 'MDAB-CDEF',
      deviceDescription: 'Laptop',
      witness: 'W1TN-ESS0',
      pinVerified: false,
      expires: '2026-11-23T12:00:00Z',
    };
    backend.emit({ event: 'pendingApproval', payload });
    expect(received).toEqual([[payload]]);
    stop();
    expect(fake.module.ipcRenderer.listenerCount('mesh:event')).toBe(0);
  });
});
