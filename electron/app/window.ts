/**
 * The one window of Mesh Desktop (docs/architecture.md section 8; Electron security checklist items
 * 2-4, 6, 8-11): isolated, sandboxed, no Node, web security on, loading the renderer from `app://`.
 */
import type { BrowserWindow, BrowserWindowConstructorOptions, WebPreferences } from 'electron';
import { meshEventNames, meshMethodNames } from '../../shared/ipc/contract';
import { MESH_NAMES_ARGUMENT, type MeshNames } from '../../shared/ipc/names';
import { APP_ENTRY_URL } from './app-protocol';

/**
 * The argument that hands the preload the names of the IPC table (methods and events), from
 * which it builds `window.mesh`: so adding a method to the table is the only edit.
 */
export function meshNamesArgument(): string {
  const names: MeshNames = { methods: meshMethodNames, events: meshEventNames };
  return MESH_NAMES_ARGUMENT + JSON.stringify(names);
}

/**
 * The window's webPreferences, every security-relevant option spelled out even where it is
 * Electron's default, so that a changed default cannot weaken the window unnoticed.
 */
export function meshWebPreferences(preloadPath: string): WebPreferences {
  return {
    preload: preloadPath,
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
    // Chromium's spellchecker fetches dictionaries over the network and sees what is typed.
    spellcheck: false,
  };
}

/** The window's options: size, title, hidden until its first paint, and the web preferences. */
export function mainWindowOptions(
  preloadPath: string,
  iconPath?: string,
): BrowserWindowConstructorOptions {
  return {
    width: 1100,
    height: 760,
    minWidth: 720,
    minHeight: 520,
    title: 'Mesh Desktop',
    show: false,
    backgroundColor: '#f6f7f9',
    ...(iconPath ? { icon: iconPath } : {}),
    webPreferences: meshWebPreferences(preloadPath),
  };
}

/** The constructor of BrowserWindow (the real one, or a test's recording fake). */
export type BrowserWindowConstructor = new (
  options: BrowserWindowConstructorOptions,
) => BrowserWindow;

/** Creates the window, shows it once painted, and loads the renderer from `app://`. */
export function createMainWindow(
  Window: BrowserWindowConstructor,
  preloadPath: string,
  iconPath?: string,
): BrowserWindow {
  const window = new Window(mainWindowOptions(preloadPath, iconPath));
  window.once('ready-to-show', () => window.show());
  window.loadURL(APP_ENTRY_URL).catch((error: unknown) => {
    console.error(`mesh: the renderer did not load: ${String(error)}`);
  });
  return window;
}
