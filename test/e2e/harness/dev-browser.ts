/**
 * `npm run dev:browser` on the real device core (docs/architecture.md section 9): the renderer
 * served on loopback by the browser harness, `window.mesh` answered by the desktop's own handlers
 * over the real backend (start-backend.ts: the device home named by MESH_HOME, else the default
 * one; the service named by MESH_SERVICE_URL, else the saved setting, else the embedded one run as
 * a child process) and the desktop program's own namespaces. The bridge is guarded by a random
 * per-run token carried in the printed URL (and by the origin).
 */
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import { homedir } from 'node:os';
import { createDesktopApp, type DesktopApp } from '../../../electron/app/desktop-app';
import { nodeProcessLauncher } from '../../../electron/app/embedded-service';
import { createDesktopApi, createDesktopDispatcher } from '../../../electron/app/desktop-api';
import { startBackend, type StartedBackend } from '../../../electron/app/start-backend';
import { harnessIdentity, startRendererHarness, type RendererHarness } from './renderer-harness';

export interface DevBrowserOptions {
  /** The repository (dist/renderer and dist/service/main.mjs are read from it). */
  readonly root: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Port on 127.0.0.1 (0: any free one). */
  readonly port: number;
  /**
   * The program's data folder (settings, embedded service data); default ~/.config/Mesh Desktop.
   */
  readonly userData?: string;
  readonly warn?: (message: string) => void;
}

export interface DevBrowser {
  readonly harness: RendererHarness;
  readonly started: StartedBackend;
  readonly desktop: DesktopApp;
  /** The clipboard of this harness (a browser has no system clipboard for the main process). */
  readonly clipboard: { text: string };
  close(): Promise<void>;
}

/** Starts the backend, the desktop namespaces and the harness with a fresh token. */
export async function startDevBrowser(options: DevBrowserOptions): Promise<DevBrowser> {
  const warn = options.warn ?? ((message: string) => console.error(message));
  const userData = options.userData ?? join(homedir(), '.config', 'Mesh Desktop');
  const started = await startBackend({
    appRoot: options.root,
    userData,
    launcher: nodeProcessLauncher(),
    env: options.env,
    warn,
  });
  const clipboard = {
    text: '',
    writeText(text: string) {
      clipboard.text = text;
    },
    readText: () => clipboard.text,
    clear() {
      clipboard.text = '';
    },
  };
  // A browser tab has no power monitor: the idle lock and the sleep lock are the program's.
  const power = Object.assign(new EventEmitter(), { getSystemIdleTime: () => 0 });
  let harness: RendererHarness | null = null;
  const desktop = await createDesktopApp({
    userData,
    clipboard,
    powerMonitor: power,
    checkKeychain: async () => {
      await started.host.device();
    },
    onLockChange: (state) => harness?.emit({ event: 'locked', payload: state }),
    serviceUrl: async () => started.service.status().url,
    warn,
  });
  const dispatcher = createDesktopDispatcher(
    started.host,
    createDesktopApi({ identity: harnessIdentity(), service: started.service, desktop }),
    (method, error) => warn(`dev:browser: internal error in ${method}: ${String(error)}`),
  );
  harness = await startRendererHarness({
    rendererDir: join(options.root, 'dist', 'renderer'),
    dispatcher,
    port: options.port,
    token: randomBytes(24).toString('base64url'),
  });
  const stopEvents = started.host.onEvent((message) => harness?.emit(message));
  return {
    harness,
    started,
    desktop,
    clipboard,
    async close() {
      stopEvents();
      desktop.close();
      await harness?.close();
      await started.shutdown();
    },
  };
}
