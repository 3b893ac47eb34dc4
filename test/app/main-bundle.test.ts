// The BUILT main process (dist/electron/main.cjs, scripts/build.mjs) booted in a Node child with a
// minimal stand-in for `electron` loaded first (-r; its utilityProcess.fork a Node child): the
// bundled core and launcher work as CommonJS, the embedded service is found at <app>/dist/service/main.mjs and started, IPC answers
// from the real core, and quitting stops the service before the process ends. The unit tests
// (main.test.ts) check the same wiring on the sources; this one guards the bundle.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildElectron } from '../../scripts/build.mjs';
import { buildServiceBundle, type ServiceBundle } from './service-bundle';

// Stands in for what main.cjs asks of Electron and drives it: ready at once; once the window is up
// it asks service.status (again after the serviceState push, if the service was still starting),
// then account.status, then quits as Electron does (will-quit, which main may hold, then quit
// again). One JSON line per step on stdout.
const ELECTRON_STAND_IN = String.raw`
const Module = require('node:module');
const { EventEmitter } = require('node:events');
const say = (value) => process.stdout.write(JSON.stringify(value) + '\n');
const appEvents = new EventEmitter();
let handler = null;
let window = null;
let settled = () => {};
const serviceSettled = new Promise((resolve) => { settled = resolve; });
class BrowserWindow extends EventEmitter {
  constructor() {
    super();
    this.webContents = Object.assign(new EventEmitter(), {
      mainFrame: { url: 'app://mesh/index.html', parent: null },
      send: (channel, message) => {
        say({ pushed: message });
        if (message.event === 'serviceState' && message.payload.state !== 'starting') settled();
      },
      isDestroyed: () => false,
      getURL: () => 'app://mesh/index.html',
      setWindowOpenHandler() {},
    });
    window = this;
    appEvents.emit('web-contents-created', {}, this.webContents);
    setImmediate(drive);
  }
  static getAllWindows() { return window ? [window] : []; }
  loadURL() { return Promise.resolve(); }
  isDestroyed() { return false; }
}
// utilityProcess.fork as a plain Node child: the same module, arguments, environment and pipes.
const utilityProcess = {
  fork(modulePath, args, options) {
    const { spawn } = require('node:child_process');
    const child = spawn(process.execPath, [modulePath, ...args], {
      env: options.env, stdio: ['ignore', 'pipe', 'pipe'],
    });
    const forked = new EventEmitter();
    child.on('spawn', () => forked.emit('spawn'));
    child.on('exit', (code) => forked.emit('exit', code ?? 1));
    return Object.assign(forked, {
      stdout: child.stdout, stderr: child.stderr,
      get pid() { return child.exitCode === null ? child.pid : undefined; },
      kill: () => child.kill('SIGTERM'),
    });
  },
};
let quitting = 0;
const electron = {
  utilityProcess,
  app: {
    enableSandbox() {}, requestSingleInstanceLock: () => true, whenReady: () => Promise.resolve(),
    on: (name, listener) => appEvents.on(name, listener), getAppPath: () => process.env.APP_ROOT,
    getPath: () => process.env.USER_DATA, getVersion: () => '0.1.0', isPackaged: false,
    setAsDefaultProtocolClient: () => true,
    quit() {
      quitting += 1;
      let prevented = false;
      appEvents.emit('will-quit', { preventDefault: () => { prevented = true; } });
      say({ quit: quitting, prevented });
    },
    exit(code) { say({ exit: code }); process.exit(code); },
  },
  BrowserWindow,
  protocol: { registerSchemesAsPrivileged() {}, handle() {} },
  session: { defaultSession: { setPermissionRequestHandler() {}, setPermissionCheckHandler() {},
    setDevicePermissionHandler() {}, webRequest: { onHeadersReceived() {} } } },
  ipcMain: { handle: (channel, h) => { handler = h; } },
  shell: { openExternal() {} },
  // The desktop's own pieces (menu, tray, notifications, clipboard, lock on sleep): inert here.
  powerMonitor: Object.assign(new EventEmitter(), { getSystemIdleTime: () => 0 }),
  clipboard: { readText: () => '', writeText() {}, clear() {} },
  Menu: { buildFromTemplate: (template) => ({ template }), setApplicationMenu() {} },
  Tray: class { setToolTip() {} setContextMenu() {} on() {} setTitle() {} destroy() {} },
  Notification: Object.assign(class { on() {} show() {} }, { isSupported: () => false }),
};
const load = Module._load;
Module._load = function (request, ...rest) {
  return request === 'electron' ? electron : load.call(this, request, ...rest);
};
async function drive() {
  const event = { sender: window.webContents, senderFrame: window.webContents.mainFrame };
  const ask = (method) => handler(event, { method });
  let service = await ask('service.status');
  if (service.ok && service.value.state === 'starting') {
    await serviceSettled;
    service = await ask('service.status');
  }
  say({ service });
  say({ session: await ask('account.status') });
  electron.app.quit();
}
`;

describe('the built main process', () => {
  let bundle: ServiceBundle;
  let userData: string;

  beforeAll(async () => {
    bundle = await buildServiceBundle();
    await buildElectron({ outDir: join(bundle.appRoot, 'dist', 'electron') });
    userData = mkdtempSync(join(tmpdir(), 'mesh-bundle-user-data-'));
  });
  afterAll(() => {
    bundle.remove();
    rmSync(userData, { recursive: true, force: true });
  });

  it('boots, runs the embedded service from the app folder, answers from the core, and stops it on quit', async () => {
    const standIn = bundle.script('electron-stand-in.cjs', ELECTRON_STAND_IN);
    const child = spawn(
      process.execPath,
      ['-r', standIn, join(bundle.appRoot, 'dist', 'electron', 'main.cjs')],
      {
        env: {
          PATH: process.env.PATH,
          APP_ROOT: bundle.appRoot,
          USER_DATA: userData,
          MESH_KEYSTORE: 'file',
          MESH_PASSPHRASE: 'bundle test passphrase',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const lines: Record<string, unknown>[] = [];
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (line.startsWith('{')) lines.push(JSON.parse(line) as Record<string, unknown>);
    });
    let errors = '';
    child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(errors).toBe('');
    expect(code).toBe(0);

    const service = lines.find((line) => 'service' in line)?.service;
    expect(service).toMatchObject({
      ok: true,
      value: { location: { kind: 'embedded' }, state: 'ready' },
    });
    const url = (service as { value: { url: string } }).value.url;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(lines.find((line) => 'session' in line)?.session).toMatchObject({
      ok: true,
      value: { state: 'unconnected', profileUdf: null },
    });
    // Quitting: the first will-quit is held for the shutdown, the second lets the program end.
    expect(lines.filter((line) => 'quit' in line)).toEqual([
      { quit: 1, prevented: true },
      { quit: 2, prevented: false },
    ]);
    await expect(fetch(`${url}/.well-known/mmm/`, { method: 'POST' })).rejects.toThrow();
  });
});
