/**
 * A recording fake of the `electron` module for unit tests of electron/app (docs/architecture.md
 * section 9: the Electron binary cannot run here). It implements the calls electron/app makes and
 * records each one, so tests can check every window option, handler and registration, and
 * drive the events Electron would emit. Use with `vi.mock('electron', () => fake.module)`.
 */
import { EventEmitter } from 'node:events';

export interface RecordedCall {
  readonly name: string;
  readonly args: readonly unknown[];
}

type Listener = (...args: unknown[]) => unknown;

/** A fake frame: top-level or not, at a URL. */
export class FakeFrame {
  constructor(
    public url: string,
    public parent: FakeFrame | null = null,
  ) {}
}

/** A fake preventable Electron event. */
export class FakeEvent {
  defaultPrevented = false;
  preventDefault(): void {
    this.defaultPrevented = true;
  }
}

export class FakeWebContents extends EventEmitter {
  readonly mainFrame = new FakeFrame('app://mesh/index.html');
  windowOpenHandler: ((details: { url: string }) => { action: string }) | null = null;
  readonly sent: { channel: string; args: unknown[] }[] = [];
  destroyed = false;
  url = 'app://mesh/index.html';

  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }): void {
    this.windowOpenHandler = handler;
  }
  send(channel: string, ...args: unknown[]): void {
    this.sent.push({ channel, args });
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  getURL(): string {
    return this.url;
  }
}

export function createFakeElectron() {
  const calls: RecordedCall[] = [];
  const record = (name: string, ...args: unknown[]) => {
    calls.push({ name, args });
  };
  let resolveReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => {
    resolveReady = resolve;
  });
  const windows: FakeBrowserWindow[] = [];
  let windowCreated: (window: FakeBrowserWindow) => void = () => {};
  const nextWindow = () =>
    new Promise<FakeBrowserWindow>((resolve) => {
      windowCreated = resolve;
    });

  const appEvents = new EventEmitter();
  const app = {
    singleInstanceLock: true,
    appPath: '/opt/mesh-desktop',
    /** What getPath answers, by name (userData...); a name not here throws, as Electron does. */
    paths: {} as Record<string, string>,
    enableSandbox: () => record('app.enableSandbox'),
    requestSingleInstanceLock: () => {
      record('app.requestSingleInstanceLock');
      return app.singleInstanceLock;
    },
    whenReady: () => {
      record('app.whenReady');
      return ready;
    },
    on: (event: string, listener: Listener) => {
      record('app.on', event);
      appEvents.on(event, listener);
      return app;
    },
    emit: (event: string, ...args: unknown[]) => appEvents.emit(event, ...args),
    getAppPath: () => app.appPath,
    getPath: (name: string) => {
      record('app.getPath', name);
      const path = app.paths[name];
      if (path === undefined) throw new Error(`Failed to get '${name}' path`);
      return path;
    },
    getVersion: () => '0.1.0',
    isPackaged: false,
    setAsDefaultProtocolClient: (scheme: string) => {
      record('app.setAsDefaultProtocolClient', scheme);
      return true;
    },
    quit: () => record('app.quit'),
    exit: (code: number) => record('app.exit', code),
  };

  class FakeBrowserWindow extends EventEmitter {
    readonly webContents = new FakeWebContents();
    readonly loaded: string[] = [];
    shown = false;
    focused = false;
    destroyed = false;
    constructor(readonly options: Record<string, unknown>) {
      super();
      record('BrowserWindow', options);
      windows.push(this);
      // As Electron does for every new webContents.
      appEvents.emit('web-contents-created', {}, this.webContents);
      windowCreated(this);
    }
    static getAllWindows(): FakeBrowserWindow[] {
      return windows.filter((window) => !window.destroyed);
    }
    loadURL(url: string): Promise<void> {
      this.loaded.push(url);
      return Promise.resolve();
    }
    show(): void {
      this.shown = true;
    }
    focus(): void {
      this.focused = true;
    }
    isMinimized(): boolean {
      return false;
    }
    restore(): void {}
    isDestroyed(): boolean {
      return this.destroyed;
    }
  }

  const protocolHandlers = new Map<string, (request: Request) => Promise<Response>>();
  const protocol = {
    registerSchemesAsPrivileged: (schemes: unknown) =>
      record('protocol.registerSchemesAsPrivileged', schemes),
    handle: (scheme: string, handler: (request: Request) => Promise<Response>) => {
      record('protocol.handle', scheme);
      protocolHandlers.set(scheme, handler);
    },
  };

  type HeadersListener = (
    details: { responseHeaders?: Record<string, string[]> },
    callback: (response: { responseHeaders: Record<string, string[]> }) => void,
  ) => void;
  const defaultSession = {
    permissionRequestHandler: null as null | Listener,
    permissionCheckHandler: null as null | Listener,
    devicePermissionHandler: null as null | Listener,
    headersListener: null as null | HeadersListener,
    setPermissionRequestHandler(handler: Listener) {
      this.permissionRequestHandler = handler;
    },
    setPermissionCheckHandler(handler: Listener) {
      this.permissionCheckHandler = handler;
    },
    setDevicePermissionHandler(handler: Listener) {
      this.devicePermissionHandler = handler;
    },
    webRequest: {
      onHeadersReceived: (listener: HeadersListener) => {
        defaultSession.headersListener = listener;
      },
    },
  };

  const ipcHandlers = new Map<string, Listener>();
  const ipcMain = {
    handle: (channel: string, handler: Listener) => {
      record('ipcMain.handle', channel);
      if (ipcHandlers.has(channel)) throw new Error(`second handler for ${channel}`);
      ipcHandlers.set(channel, handler);
    },
  };

  const opened: string[] = [];
  const shell = {
    openExternal: (url: string) => {
      opened.push(url);
      return Promise.resolve();
    },
  };

  // The renderer side, for the preload.
  const exposed = new Map<string, unknown>();
  const contextBridge = {
    exposeInMainWorld: (key: string, value: unknown) => {
      record('contextBridge.exposeInMainWorld', key);
      exposed.set(key, value);
    },
  };
  const rendererEvents = new EventEmitter();
  const ipcRenderer = {
    invokeTarget: null as null | ((channel: string, ...args: unknown[]) => Promise<unknown>),
    invoke(channel: string, ...args: unknown[]): Promise<unknown> {
      record('ipcRenderer.invoke', channel, ...args);
      if (this.invokeTarget === null) return Promise.reject(new Error('no main process'));
      return this.invokeTarget(channel, ...args);
    },
    on: (channel: string, listener: Listener) => {
      rendererEvents.on(channel, listener);
      return ipcRenderer;
    },
    removeListener: (channel: string, listener: Listener) => {
      rendererEvents.removeListener(channel, listener);
      return ipcRenderer;
    },
    listenerCount: (channel: string) => rendererEvents.listenerCount(channel),
    /** Delivers a message as Electron would: a raw IPC event object first. */
    deliver: (channel: string, message: unknown) =>
      rendererEvents.emit(channel, { sender: 'raw-ipc-event', ports: [] }, message),
  };

  // The desktop pieces: menu, tray, notifications, clipboard, power monitor.
  let applicationMenu: unknown = null;
  const Menu = {
    buildFromTemplate: (template: unknown[]) => {
      record('Menu.buildFromTemplate', template);
      return { template };
    },
    setApplicationMenu: (menu: unknown) => {
      record('Menu.setApplicationMenu', menu);
      applicationMenu = menu;
    },
  };

  const trays: FakeTray[] = [];
  class FakeTray extends EventEmitter {
    toolTip = '';
    title = '';
    contextMenu: unknown = null;
    destroyed = false;
    constructor(readonly image: unknown) {
      super();
      record('Tray', image);
      trays.push(this);
    }
    setToolTip(text: string): void {
      this.toolTip = text;
    }
    setTitle(text: string): void {
      this.title = text;
    }
    setContextMenu(menu: unknown): void {
      this.contextMenu = menu;
    }
    destroy(): void {
      this.destroyed = true;
    }
  }

  const notifications: FakeNotification[] = [];
  class FakeNotification extends EventEmitter {
    static supported = true;
    shown = false;
    constructor(readonly options: { title?: string; body?: string }) {
      super();
      record('Notification', options);
      notifications.push(this);
    }
    static isSupported(): boolean {
      return FakeNotification.supported;
    }
    show(): void {
      this.shown = true;
    }
  }

  const clipboard = {
    text: '',
    writeText(text: string) {
      record('clipboard.writeText');
      clipboard.text = text;
    },
    readText: () => clipboard.text,
    clear() {
      record('clipboard.clear');
      clipboard.text = '';
    },
  };

  const powerEvents = new EventEmitter();
  const powerMonitor = {
    idleSeconds: 0,
    on: (event: string, listener: Listener) => {
      record('powerMonitor.on', event);
      powerEvents.on(event, listener);
      return powerMonitor;
    },
    removeListener: (event: string, listener: Listener) => {
      powerEvents.removeListener(event, listener);
      return powerMonitor;
    },
    listenerCount: (event: string) => powerEvents.listenerCount(event),
    emit: (event: string) => powerEvents.emit(event),
    getSystemIdleTime: () => powerMonitor.idleSeconds,
  };

  return {
    calls,
    windows,
    trays,
    notifications,
    applicationMenu: () => applicationMenu,
    nextWindow,
    protocolHandlers,
    ipcHandlers,
    opened,
    exposed,
    emitReady: () => resolveReady(),
    module: {
      app,
      BrowserWindow: FakeBrowserWindow,
      protocol,
      session: { defaultSession },
      ipcMain,
      shell,
      contextBridge,
      ipcRenderer,
      Menu,
      Tray: FakeTray,
      Notification: FakeNotification,
      clipboard,
      powerMonitor,
    },
  };
}

export type FakeElectron = ReturnType<typeof createFakeElectron>;

/**
 * A module object whose exports are read from `current()` on every access, so one
 * `vi.mock('electron', ...)` serves a fresh fake per test (Vitest caches the mocked module).
 */
export function delegatingElectronModule(
  current: () => FakeElectron | null,
): FakeElectron['module'] {
  const module = {} as FakeElectron['module'];
  for (const key of [
    'app',
    'BrowserWindow',
    'protocol',
    'session',
    'ipcMain',
    'shell',
    'contextBridge',
    'ipcRenderer',
    'Menu',
    'Tray',
    'Notification',
    'clipboard',
    'powerMonitor',
  ] as const) {
    Object.defineProperty(module, key, {
      enumerable: true,
      get: () => {
        const fake = current();
        if (fake === null) throw new Error('no fake electron for this test');
        return fake.module[key];
      },
    });
  }
  return module;
}
