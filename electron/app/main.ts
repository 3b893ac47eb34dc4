/**
 * The main process of Mesh Desktop (DESIGN.md section 8): lifecycle, one hardened window, the
 * `app://` protocol, session policies and IPC. Thin glue: what the renderer asks goes through
 * the IPC contract to the backend (electron/core). Each security measure lives in its own
 * module; docs/electron-security.md maps the Electron checklist to them and to their tests.
 */
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { app, BrowserWindow, ipcMain, protocol, session, shell } from 'electron';
import { createMeshDispatcher } from '../../shared/ipc/dispatcher';
import { APP_SCHEME, appSchemePrivileges, createAppProtocolHandler } from './app-protocol';
import { installContentSecurityPolicy } from './content-security-policy';
import { createMeshHandlers } from './handlers';
import { createMeshEventSender, isTrustedSender, registerMeshIpc } from './ipc';
import { restrictNavigation } from './navigation';
import { denyAllPermissions } from './permissions';
import { parseServiceSetting } from './service-setting';
import { createShellBackend } from './shell-backend';
import { createMainWindow } from './window';

// Both must happen before `ready`: every renderer sandboxed (checklist 4), and `app://`
// privileged as a secure standard scheme (checklist 18).
app.enableSandbox();
protocol.registerSchemesAsPrivileged([appSchemePrivileges]);

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
  const backend = createShellBackend(parseServiceSetting(process.env.MESH_SERVICE_URL));
  const dispatcher = createMeshDispatcher(
    createMeshHandlers(backend, {
      name: 'Mesh Desktop',
      version: app.getVersion(),
      platform: process.platform,
      arch: process.arch,
      electron: process.versions.electron ?? null,
    }),
    (method, error) => {
      console.error(`mesh: internal error in ${method}: ${String(error)}`);
    },
  );

  denyAllPermissions(session.defaultSession);
  installContentSecurityPolicy(session.defaultSession);
  protocol.handle(APP_SCHEME, createAppProtocolHandler(join(appRoot, 'dist', 'renderer')));
  registerMeshIpc(ipcMain, dispatcher, (event) => isTrustedSender(event, mainWindow));
  backend.onEvent(createMeshEventSender(() => mainWindow?.webContents ?? null));

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
