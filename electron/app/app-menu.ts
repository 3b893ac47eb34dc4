/**
 * The program's own application menu (docs/architecture.md section 8): File (lock, quit), Edit (the
 * standard text roles, so copy and paste work in every field), View (zoom, full screen; Reload
 * and Toggle Developer Tools only in a development build, never in a packaged one), Go (the
 * screens, with keyboard accelerators) and Help. The Go entries and Lock call back into the
 * program, which tells the renderer.
 */
import type { MenuItemConstructorOptions } from 'electron';

/** The screens the Go menu opens, with their labels (the renderer's screen ids). */
export const menuScreens = [
  { screen: 'passwords', label: 'Passwords', key: '1' },
  { screen: 'approvals', label: 'Approvals', key: '2' },
  { screen: 'devices', label: 'Devices', key: '3' },
  { screen: 'mail', label: 'Mail', key: '4' },
  { screen: 'profile', label: 'Master profile', key: '5' },
  { screen: 'settings', label: 'Settings', key: ',' },
] as const;
export type MenuScreen = (typeof menuScreens)[number]['screen'];

export interface AppMenuOptions {
  /** `app.isPackaged`: a packaged build has no Reload and no developer tools. */
  readonly packaged: boolean;
  readonly platform: NodeJS.Platform;
  readonly onShowScreen: (screen: MenuScreen | 'about') => void;
  readonly onLock: () => void;
}

/** The menu as a template (tested without Electron). */
export function appMenuTemplate(options: AppMenuOptions): MenuItemConstructorOptions[] {
  const mac = options.platform === 'darwin';
  const development: MenuItemConstructorOptions[] = options.packaged
    ? []
    : [
        { role: 'reload' },
        { role: 'forceReload' },
        { role: 'toggleDevTools' },
        { type: 'separator' },
      ];
  const about: MenuItemConstructorOptions = {
    label: 'About Mesh Desktop',
    click: () => options.onShowScreen('about'),
  };
  return [
    ...(mac
      ? [
          {
            label: 'Mesh Desktop',
            submenu: [
              about,
              { type: 'separator' },
              { role: 'hide' },
              { role: 'hideOthers' },
              { role: 'unhide' },
              { type: 'separator' },
              { role: 'quit' },
            ],
          } satisfies MenuItemConstructorOptions,
        ]
      : []),
    {
      label: '&File',
      submenu: [
        { label: 'Lock', accelerator: 'CmdOrCtrl+L', click: () => options.onLock() },
        ...(mac ? [] : [{ type: 'separator' } as const, { role: 'quit' } as const]),
      ],
    },
    {
      label: '&Edit',
      submenu: [
        { role: 'undo' },
        { role: 'redo' },
        { type: 'separator' },
        { role: 'cut' },
        { role: 'copy' },
        { role: 'paste' },
        { role: 'selectAll' },
      ],
    },
    {
      label: '&View',
      submenu: [
        ...development,
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    {
      label: '&Go',
      submenu: menuScreens.map((entry) => ({
        label: entry.label,
        accelerator: `CmdOrCtrl+${entry.key}`,
        click: () => options.onShowScreen(entry.screen),
      })),
    },
    { label: '&Help', role: 'help', submenu: mac ? [] : [about] },
  ];
}

/** Builds the menu and makes it the application's. */
export function installAppMenu(
  menu: {
    buildFromTemplate(template: MenuItemConstructorOptions[]): unknown;
    setApplicationMenu(menu: never): void;
  },
  options: AppMenuOptions,
): void {
  menu.setApplicationMenu(menu.buildFromTemplate(appMenuTemplate(options)) as never);
}
