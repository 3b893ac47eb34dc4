// The main process (electron/app/main.ts) booted against a recording fake of `electron`
// (docs/architecture.md section 9): lifecycle order, the window's options, session policies, the
// app:// protocol, navigation and IPC, each checked on what main.ts actually registered; and the
// backend it starts: the real device core on the app's data folder (a passphrase key file, so
// no keychain is needed here) and the embedded service's launcher, replaced by a recording one.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../../electron/app/content-security-policy';
import { meshNamesArgument } from '../../electron/app/window';
import type * as EmbeddedServiceModule from '../../electron/app/embedded-service';
import type {
  EmbeddedService,
  EmbeddedServiceExit,
  EmbeddedServiceLaunch,
} from '../../electron/app/embedded-service';
import { utilityProcessLauncher } from '../../electron/app/utility-process-launcher';
import { MeshDevice } from '../../electron/core/mesh-device';
import { createFakeElectron, FakeEvent, FakeFrame, type FakeElectron } from './fake-electron';

const holder = vi.hoisted(() => ({
  fake: null as FakeElectron | null,
  launches: [] as EmbeddedServiceLaunch[],
  stops: [] as number[],
}));
vi.mock('electron', async () =>
  (await import('./fake-electron')).delegatingElectronModule(() => holder.fake),
);
// The launcher is tested for real in embedded-service.test.ts; here it records and answers.
vi.mock('../../electron/app/embedded-service', async (importOriginal) => ({
  ...(await importOriginal<typeof EmbeddedServiceModule>()),
  launchEmbeddedService: async (launch: EmbeddedServiceLaunch): Promise<EmbeddedService> => {
    holder.launches.push(launch);
    const port = launch.port === 0 ? 47001 : launch.port;
    let exit: (value: EmbeddedServiceExit) => void = () => {};
    const exited = new Promise<EmbeddedServiceExit>((resolve) => {
      exit = resolve;
    });
    return {
      url: `http://127.0.0.1:${port}`,
      port,
      pid: 0,
      exited,
      stop: async () => {
        holder.stops.push(port);
        exit({ code: 0, signal: null, requested: true });
        return exited;
      },
    };
  },
}));

const folders: string[] = [];
afterAll(() => {
  vi.unstubAllEnvs();
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

/** A fresh temporary folder, removed after the file's tests. */
function folder(label: string): string {
  const path = mkdtempSync(join(tmpdir(), `mesh-${label}-`));
  folders.push(path);
  return path;
}

/**
 * Boots main.ts on a fresh fake with a fresh app data folder; resolves once it made its window.
 * Secrets go to a passphrase key file with a cheap key derivation: this suite needs no keychain.
 */
async function boot(configure: (fake: FakeElectron) => void = () => {}) {
  vi.stubEnv('MESH_KEYSTORE', 'file');
  vi.stubEnv('MESH_PASSPHRASE', 'main process test passphrase');
  vi.stubEnv('MESH_HOME', undefined);
  const fake = createFakeElectron();
  fake.module.app.paths.userData = folder('user-data');
  configure(fake);
  holder.fake = fake;
  vi.resetModules();
  const window = fake.nextWindow();
  await import('../../electron/app/main');
  return { fake, window };
}

/** Calls the IPC handler as our window's top frame. */
async function invoke(fake: FakeElectron, window: { webContents: unknown }, method: string) {
  const handle = fake.ipcHandlers.get('mesh:invoke')!;
  const contents = window.webContents as { mainFrame: FakeFrame };
  return handle({ sender: window.webContents, senderFrame: contents.mainFrame }, { method });
}

describe('main process', () => {
  let fake: FakeElectron;
  let appDir: string;
  let window: Awaited<ReturnType<FakeElectron['nextWindow']>>;

  beforeAll(async () => {
    appDir = mkdtempSync(join(tmpdir(), 'mesh-app-'));
    mkdirSync(join(appDir, 'dist', 'renderer'), { recursive: true });
    writeFileSync(
      join(appDir, 'dist', 'renderer', 'index.html'),
      '<!doctype html><title>x</title>',
    );
    writeFileSync(join(appDir, 'dist', 'secret.txt'), 'outside the renderer');
    const booted = await boot((f) => {
      f.module.app.appPath = appDir;
    });
    fake = booted.fake;
    fake.emitReady();
    window = await booted.window;
  });
  afterAll(() => rmSync(appDir, { recursive: true, force: true }));

  it('sandboxes every renderer and registers app:// as privileged before ready, then takes the single-instance lock', () => {
    const names = fake.calls.map((call) => call.name);
    const ready = names.indexOf('app.whenReady');
    expect(names.indexOf('app.enableSandbox')).toBeGreaterThanOrEqual(0);
    expect(names.indexOf('app.enableSandbox')).toBeLessThan(ready);
    expect(names.indexOf('protocol.registerSchemesAsPrivileged')).toBeLessThan(ready);
    expect(names.indexOf('app.requestSingleInstanceLock')).toBeLessThan(ready);
    const schemes = fake.calls.find((c) => c.name === 'protocol.registerSchemesAsPrivileged')
      ?.args[0];
    expect(schemes).toEqual([
      {
        scheme: 'app',
        privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true },
      },
    ]);
  });

  it('opens one window with every webPreferences option as the security checklist requires', () => {
    expect(fake.windows).toHaveLength(1);
    const prefs = window.options.webPreferences as Record<string, unknown>;
    expect(prefs).toEqual({
      preload: join(appDir, 'dist', 'electron', 'preload.cjs'),
      // The names window.mesh is built from (the preload's process.argv).
      additionalArguments: [meshNamesArgument()],
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      spellcheck: false,
    });
    expect(prefs).not.toHaveProperty('enableBlinkFeatures');
    expect(window.options.show).toBe(false);
  });

  it('loads the renderer from app://, not file://, and shows the window when painted', () => {
    expect(window.loaded).toEqual(['app://mesh/index.html']);
    expect(window.shown).toBe(false);
    window.emit('ready-to-show');
    expect(window.shown).toBe(true);
  });

  it('serves app:// only from dist/renderer, with the CSP', async () => {
    const handler = fake.protocolHandlers.get('app');
    expect(handler).toBeDefined();
    const page = await handler!(new Request('app://mesh/index.html'));
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    const escape = await handler!(new Request('app://mesh/..%2Fsecret.txt'));
    expect(escape.status).toBe(404);
    expect(await escape.text()).not.toContain('outside the renderer');
  });

  it('sets the CSP on every HTTP response of the session, replacing any the server sent', () => {
    const listener = fake.module.session.defaultSession.headersListener;
    expect(listener).not.toBeNull();
    let answered: Record<string, string[]> | undefined;
    listener!(
      { responseHeaders: { 'content-security-policy': ['default-src *'], 'x-other': ['1'] } },
      ({ responseHeaders }) => {
        answered = responseHeaders;
      },
    );
    expect(answered).toEqual({
      'Content-Security-Policy': [CONTENT_SECURITY_POLICY],
      'x-other': ['1'],
    });
  });

  it('denies every permission request, check and device permission', () => {
    const session = fake.module.session.defaultSession;
    for (const permission of [
      'media',
      'notifications',
      'geolocation',
      'clipboard-read',
      'openExternal',
    ]) {
      const callback = vi.fn();
      session.permissionRequestHandler!({}, permission, callback, {});
      expect(callback).toHaveBeenCalledWith(false);
      expect(session.permissionCheckHandler!({}, permission, 'app://mesh', {})).toBe(false);
    }
    expect(session.devicePermissionHandler!({ deviceType: 'usb' })).toBe(false);
  });

  it('prevents navigation, frame navigation and webview attachment', () => {
    for (const name of ['will-navigate', 'will-frame-navigate', 'will-attach-webview']) {
      const event = new FakeEvent();
      window.webContents.emit(name, event, { url: 'https://example.org/' });
      expect(event.defaultPrevented, name).toBe(true);
    }
  });

  it('denies every new window and sends only checked https: links to the browser', async () => {
    const handler = window.webContents.windowOpenHandler;
    expect(handler).not.toBeNull();
    const urls = [
      'https://example.org/help',
      'http://example.org/',
      'file:///etc/passwd',
      'javascript:alert(1)',
      'app://mesh/index.html',
      'https://user:pw@example.org/',
      'mailto:someone@example.org',
    ];
    for (const url of urls) expect(handler!({ url })).toEqual({ action: 'deny' });
    expect(fake.opened).toEqual(['https://example.org/help']);
  });

  it('registers one IPC handler that answers our top frame through the generic dispatcher', async () => {
    expect(fake.calls.filter((c) => c.name === 'ipcMain.handle').map((c) => c.args[0])).toEqual([
      'mesh:invoke',
    ]);
    const handle = fake.ipcHandlers.get('mesh:invoke')!;
    const event = { sender: window.webContents, senderFrame: window.webContents.mainFrame };
    const reply = await handle(event, { method: 'app.info' });
    expect(reply).toEqual({
      ok: true,
      value: {
        name: 'Mesh Desktop',
        version: '0.1.0',
        platform: process.platform,
        arch: process.arch,
        electron: null,
        service: { kind: 'embedded' },
      },
    });
    expect(await handle(event, { method: 'account.status' })).toMatchObject({
      ok: true,
      value: { state: 'unconnected', profileUdf: null },
    });
  });

  it('refuses IPC from a subframe, another page or a frame that is gone', async () => {
    const handle = fake.ipcHandlers.get('mesh:invoke')!;
    const request = { method: 'app.info' };
    const senders = [
      {
        sender: window.webContents,
        senderFrame: new FakeFrame('app://mesh/index.html', window.webContents.mainFrame),
      },
      { sender: window.webContents, senderFrame: new FakeFrame('https://evil.example/') },
      { sender: window.webContents, senderFrame: null },
      { sender: {}, senderFrame: new FakeFrame('app://mesh/index.html') },
    ];
    for (const event of senders) {
      expect(await handle(event, request)).toMatchObject({
        ok: false,
        error: { code: 'UNAUTHORIZED' },
      });
    }
  });

  it('answers a malformed request with a typed error naming the field', async () => {
    const handle = fake.ipcHandlers.get('mesh:invoke')!;
    const event = { sender: window.webContents, senderFrame: window.webContents.mainFrame };
    expect(await handle(event, { method: 'keys.export' })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_ARGUMENT', details: { field: 'method' } },
    });
    expect(await handle(event, { method: 'app.info', args: ['x'] })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_ARGUMENT', details: { field: 'args' } },
    });
    expect(await handle(event, { method: 'app.info' }, 'extra')).toMatchObject({
      ok: false,
      error: { code: 'INVALID_ARGUMENT', details: { field: 'request' } },
    });
  });

  it('focuses its window when a second instance starts, and quits when the window closes (not macOS)', () => {
    fake.module.app.emit('second-instance');
    expect(window.focused).toBe(true);
    // The program's own menu (packaged or not, per app.isPackaged) and the mcu:// scheme.
    expect(fake.applicationMenu()).not.toBeNull();
    expect(fake.calls).toContainEqual({ name: 'app.setAsDefaultProtocolClient', args: ['mcu'] });
    fake.module.app.emit('window-all-closed');
    const quit = fake.calls.some((c) => c.name === 'app.quit');
    expect(quit).toBe(process.platform !== 'darwin');
  });
});

describe('main process, second instance', () => {
  it('quits at once without a window when another instance holds the lock', async () => {
    const { fake } = await boot((f) => {
      f.module.app.singleInstanceLock = false;
    });
    const names = fake.calls.map((c) => c.name);
    expect(names).toContain('app.quit');
    expect(names).not.toContain('app.whenReady');
    expect(names).not.toContain('ipcMain.handle');
    expect(fake.windows).toHaveLength(0);
  });
});

describe('main process, service setting', () => {
  it('reports a configured service in app.info and starts no embedded service', async () => {
    vi.stubEnv('MESH_SERVICE_URL', 'https://mesh.example.org/');
    try {
      const launchesBefore = holder.launches.length;
      const { fake, window } = await boot();
      fake.emitReady();
      const created = await window;
      expect(await invoke(fake, created, 'app.info')).toMatchObject({
        ok: true,
        value: { service: { kind: 'configured', url: 'https://mesh.example.org/' } },
      });
      expect(await invoke(fake, created, 'service.status')).toEqual({
        ok: true,
        value: {
          location: { kind: 'configured', url: 'https://mesh.example.org/' },
          state: 'ready',
          url: 'https://mesh.example.org/',
          accountService: 'mesh.example.org',
          message: null,
        },
      });
      expect(holder.launches).toHaveLength(launchesBefore);
    } finally {
      vi.stubEnv('MESH_SERVICE_URL', undefined);
    }
  });

  it('exits with status 1 and one line when the setting is not acceptable', async () => {
    vi.stubEnv('MESH_SERVICE_URL', 'http://mesh.example.org/');
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const fake = createFakeElectron();
      fake.module.app.paths.userData = folder('user-data');
      holder.fake = fake;
      vi.resetModules();
      const exited = new Promise<void>((resolve) => {
        fake.module.app.exit = (code: number) => {
          fake.calls.push({ name: 'app.exit', args: [code] });
          resolve();
        };
      });
      await import('../../electron/app/main');
      fake.emitReady();
      await exited;
      expect(fake.calls.find((c) => c.name === 'app.exit')?.args).toEqual([1]);
      expect(errors).toHaveBeenCalledTimes(1);
      expect(String(errors.mock.calls[0]?.[0])).toContain('MESH_SERVICE_URL');
      expect(fake.windows).toHaveLength(0);
    } finally {
      errors.mockRestore();
      vi.stubEnv('MESH_SERVICE_URL', undefined);
    }
  });
});

describe('main process, backend', () => {
  let fake: FakeElectron;
  let window: Awaited<ReturnType<FakeElectron['nextWindow']>>;
  let appDir: string;
  let userData: string;
  let launch: EmbeddedServiceLaunch;

  beforeAll(async () => {
    appDir = folder('app');
    const launchesBefore = holder.launches.length;
    const booted = await boot((f) => {
      f.module.app.appPath = appDir;
    });
    fake = booted.fake;
    userData = fake.module.app.paths.userData!;
    fake.emitReady();
    window = await booted.window;
    expect(holder.launches).toHaveLength(launchesBefore + 1);
    launch = holder.launches.at(-1)!;
  });

  it('without MESH_SERVICE_URL launches the embedded service: a utility process, data in userData', () => {
    expect(launch).toMatchObject({
      launcher: expect.any(Function),
      entry: join(appDir, 'dist', 'service', 'main.mjs'),
      dataDirectory: join(userData, 'embedded-service'),
      port: 0,
    });
    // main.test re-imports main.ts per boot, so compare the launcher by name.
    expect(launch.launcher.name).toBe(utilityProcessLauncher.name);
  });

  it('answers service.status with the embedded service once it listens, and keeps its port', async () => {
    await vi.waitFor(
      async () =>
        expect(await invoke(fake, window, 'service.status')).toEqual({
          ok: true,
          value: {
            location: { kind: 'embedded' },
            state: 'ready',
            url: 'http://127.0.0.1:47001',
            accountService: '127.0.0.1:47001',
            message: null,
          },
        }),
      { timeout: 5_000 },
    );
    const settings = JSON.parse(readFileSync(join(userData, 'desktop-settings.json'), 'utf8'));
    expect(settings).toEqual({ embeddedServicePort: 47001 });
  });

  it('opens the device home in userData: no profile there yet', async () => {
    expect(await invoke(fake, window, 'account.status')).toMatchObject({
      ok: true,
      value: { state: 'unconnected', profileUdf: null },
    });
    expect(existsSync(join(userData, 'home.json'))).toBe(true);
  });

  it('on quit closes the device home and stops the embedded service before quitting', async () => {
    const quitting = new Promise<void>((resolve) => {
      fake.module.app.quit = () => {
        fake.calls.push({ name: 'app.quit', args: [] });
        resolve();
      };
    });
    const event = new FakeEvent();
    fake.module.app.emit('will-quit', event);
    expect(event.defaultPrevented).toBe(true);
    await quitting;
    expect(holder.stops).toContain(47001);
    // The home's lock is released: another process (here, this one) can open it.
    const device = await MeshDevice.open({
      home: userData,
      keyStore: { kind: 'file', passphrase: 'main process test passphrase' },
    });
    await device.close();
    // Electron asks again after app.quit(): now the program may end.
    const again = new FakeEvent();
    fake.module.app.emit('will-quit', again);
    expect(again.defaultPrevented).toBe(false);
  });

  it('starts the embedded service on the port it saved last time', async () => {
    const before = holder.launches.length;
    const { fake: second, window: opened } = await boot((f) => {
      writeFileSync(
        join(f.module.app.paths.userData!, 'desktop-settings.json'),
        JSON.stringify({ embeddedServicePort: 47123 }),
      );
    });
    second.emitReady();
    await opened;
    expect(holder.launches.slice(before).map((l) => l.port)).toEqual([47123]);
  });
});
