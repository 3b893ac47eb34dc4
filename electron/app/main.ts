/**
 * The main process of Mesh Desktop (docs/architecture.md section 8): lifecycle, one hardened
 * window, the
 * `app://` protocol, session policies and IPC. Thin glue: what the renderer asks goes through
 * the IPC contract to the backend (electron/core, start-backend.ts), which also runs the
 * embedded Mesh service where none is configured. Each security measure lives in its own
 * module; docs/electron-security.md maps the Electron checklist to them and to their tests.
 */
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import {
  app,
  BrowserWindow,
  clipboard,
  ipcMain,
  Menu,
  Notification,
  powerMonitor,
  protocol,
  session,
  shell,
  Tray,
} from 'electron';
import type { MeshEventMessage } from '../../shared/ipc/contract';
import { installAppMenu } from './app-menu';
import { createApprovalNotifier } from './approval-notifications';
import { createDesktopApp } from './desktop-app';
import { registerMcuLinks } from './mcu-links';
import { createTrayIndicator, type TrayIndicator } from './tray';
import { APP_SCHEME, appSchemePrivileges, createAppProtocolHandler } from './app-protocol';
import { installContentSecurityPolicy } from './content-security-policy';
import { createDesktopApi, createDesktopDispatcher } from './desktop-api';
import { createMeshEventSender, isTrustedSender, registerMeshIpc } from './ipc';
import { restrictNavigation } from './navigation';
import { denyAllPermissions } from './permissions';
import { startBackend } from './start-backend';
import { utilityProcessLauncher } from './utility-process-launcher';
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
    launcher: utilityProcessLauncher,
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

  // Pushes to the window: the core's events and the program's own (lock, screens, links).
  const sendToWindow = createMeshEventSender(() => mainWindow?.webContents ?? null);
  const send = (message: MeshEventMessage): void => sendToWindow(message);
  const showWindow = (): void => {
    if (mainWindow === null) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.show();
    mainWindow.focus();
  };
  const showScreen = (screen: string): void => {
    showWindow();
    send({ event: 'showScreen', payload: { screen } });
  };

  const desktop = await createDesktopApp({
    userData: app.getPath('userData'),
    clipboard,
    powerMonitor,
    // Unlocking asks the OS keychain: the device opens only when its key store answers.
    checkKeychain: async () => {
      await host.device();
    },
    onLockChange: (state) => send({ event: 'locked', payload: state }),
    serviceUrl: async () => service.status().url,
    warn: (message) => console.error(message),
  });
  app.on('will-quit', () => desktop.close());

  installAppMenu(Menu, {
    packaged: app.isPackaged,
    platform: process.platform,
    onShowScreen: showScreen,
    onLock: () => void desktop.session.lock(),
  });
  const trayIcon = join(app.getAppPath(), 'dist', 'electron', 'icon.png');
  let tray: TrayIndicator | null = null;
  if (existsSync(trayIcon)) {
    tray = createTrayIndicator({
      Tray,
      Menu,
      icon: trayIcon,
      onOpen: showWindow,
      onShowApprovals: () => showScreen('approvals'),
      onLock: () => void desktop.session.lock(),
      onQuit: () => app.quit(),
    });
  }
  const notifier = createApprovalNotifier({
    Notification,
    onClick: () => showScreen('approvals'),
  });
  // The tray's count and the notifications follow the pending list, read again on each request.
  host.onEvent((message) => {
    if (message.event !== 'pendingApproval') return;
    void host
      .device()
      .then((device) => device.connect.pending())
      .then(({ pending }) => {
        tray?.setPending(pending.length);
        notifier.notify(
          pending.map((request) => ({
            requestId: request.id,
            deviceDescription: request.deviceName,
            pinVerified: request.pinVerified,
          })),
        );
      })
      .catch(() => {});
  });
  registerMcuLinks(app, process.argv, (link) => {
    showWindow();
    send({ event: 'connectLink', payload: { link } });
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
      desktop,
    }),
    (method, error) => {
      console.error(`mesh: internal error in ${method}: ${String(error)}`);
    },
  );

  denyAllPermissions(session.defaultSession);
  installContentSecurityPolicy(session.defaultSession);
  protocol.handle(APP_SCHEME, createAppProtocolHandler(join(appRoot, 'dist', 'renderer')));
  registerMeshIpc(ipcMain, dispatcher, (event) => isTrustedSender(event, mainWindow));
  host.onEvent(send);

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
