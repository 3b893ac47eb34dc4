/**
 * The main process of Mesh Desktop (DESIGN.md section 8): lifecycle, one hardened window, the
 * `app://` protocol, session policies and IPC. Thin glue: what the renderer asks goes through
 * the IPC contract to the backend (electron/core, start-backend.ts), which also runs the
 * embedded Mesh service where none is configured. Each security measure lives in its own
 * module; docs/electron-security.md maps the Electron checklist to them and to their tests.
 */
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { app, BrowserWindow, ipcMain, protocol, session, shell } from 'electron';
import { APP_SCHEME, appSchemePrivileges, createAppProtocolHandler } from './app-protocol';
import { installContentSecurityPolicy } from './content-security-policy';
import { createDesktopApi, createDesktopDispatcher } from './desktop-api';
import { createMeshEventSender, isTrustedSender, registerMeshIpc } from './ipc';
import { restrictNavigation } from './navigation';
import { denyAllPermissions } from './permissions';
import { startBackend } from './start-backend';
import { createMainWindow } from './window';

// Both must happen before `ready`: every renderer sandboxed (checklist 4), and `app://`
// privileged as a secure standard scheme (checklist 18).
app.enableSandbox();
protocol.registerSchemesAsPrivileged([appSchemePrivileges]);

/** The longest the program waits for the device and the embedded service to stop at quit. */
const SHUTDOWN_LIMIT_MS = 10_000;

/** Starts the program in the first instance: policies, protocol, IPC, then the window. */
async function startFirstInstance(): Promise<void> {
  let mainWindow: BrowserWindow | null = null;

  app.on('second-instance', () => {
    if (mainWindow === null) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });
  app.on('web-contents-created', (_event, contents) => {
    restrictNavigation(contents, (url) => shell.openExternal(url));
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  await app.whenReady();

  const appRoot = app.getAppPath();
  // The service (configured, or the embedded one as a child process) and the device core.
  const { host, service, shutdown } = await startBackend({
    appRoot,
    userData: app.getPath('userData'),
    executable: process.execPath,
    env: process.env,
    warn: (message) => console.error(message),
  });
  // Close the device home and stop the embedded service before the process ends; a shutdown
  // that hangs must not keep the program from quitting.
  let shuttingDown = false;
  let shutDown = false;
  app.on('will-quit', (event) => {
    if (shutDown) return;
    event.preventDefault();
    if (shuttingDown) return;
    shuttingDown = true;
    const limit = setTimeout(() => app.exit(0), SHUTDOWN_LIMIT_MS);
    void shutdown()
      .catch((error: unknown) =>
        console.error(`mesh: could not shut down cleanly: ${String(error)}`),
      )
      .finally(() => {
        clearTimeout(limit);
        shutDown = true;
        app.quit();
      });
  });

  const dispatcher = createDesktopDispatcher(
    host,
    createDesktopApi({
      identity: {
        name: 'Mesh Desktop',
        version: app.getVersion(),
        platform: process.platform,
        arch: process.arch,
        electron: process.versions.electron ?? null,
      },
      service,
    }),
    (method, error) => {
      console.error(`mesh: internal error in ${method}: ${String(error)}`);
    },
  );

  denyAllPermissions(session.defaultSession);
  installContentSecurityPolicy(session.defaultSession);
  protocol.handle(APP_SCHEME, createAppProtocolHandler(join(appRoot, 'dist', 'renderer')));
  registerMeshIpc(ipcMain, dispatcher, (event) => isTrustedSender(event, mainWindow));
  host.onEvent(createMeshEventSender(() => mainWindow?.webContents ?? null));

  const preloadPath = join(appRoot, 'dist', 'electron', 'preload.cjs');
  const iconPath = join(appRoot, 'dist', 'electron', 'icon.png');
  const openWindow = (): void => {
    const window = createMainWindow(
      BrowserWindow,
      preloadPath,
      process.platform === 'linux' && existsSync(iconPath) ? iconPath : undefined,
    );
    window.on('closed', () => {
      if (mainWindow === window) mainWindow = null;
    });
    mainWindow = window;
  };
  openWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) openWindow();
  });
}

if (app.requestSingleInstanceLock()) {
  startFirstInstance().catch((error: unknown) => {
    console.error(`mesh: could not start: ${String(error)}`);
    app.exit(1);
  });
} else {
  // Another instance runs; it was told through 'second-instance' and shows its window.
  app.quit();
}
