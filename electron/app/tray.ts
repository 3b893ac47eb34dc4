/**
 * The tray icon (docs/architecture.md section 8): always there while the program runs, with the
 * number of devices waiting for approval in its tooltip (and its title, where the platform shows
 * one) and a menu to open the window, go to the approvals, lock or quit.
 */
import type { MenuItemConstructorOptions, NativeImage } from 'electron';

/** The calls used of Electron's `Tray`. */
export interface TrayLike {
  setToolTip(text: string): void;
  setTitle(title: string): void;
  setContextMenu(menu: unknown): void;
  on(event: 'click', listener: () => void): unknown;
  destroy(): void;
}

/** The call used of Electron's `Menu`. */
export interface MenuBuilder {
  buildFromTemplate(template: MenuItemConstructorOptions[]): unknown;
}

export interface TrayOptions {
  readonly Tray: new (image: NativeImage | string) => TrayLike;
  readonly Menu: MenuBuilder;
  readonly icon: NativeImage | string;
  readonly onOpen: () => void;
  readonly onShowApprovals: () => void;
  readonly onLock: () => void;
  readonly onQuit: () => void;
}

export interface TrayIndicator {
  /** Shows `count` pending approvals (0: none). */
  setPending(count: number): void;
  destroy(): void;
}

/** The tooltip for `count` pending approvals. */
export function trayToolTip(count: number): string {
  if (count <= 0) return 'Mesh Desktop';
  return `Mesh Desktop: ${count} ${count === 1 ? 'device waits' : 'devices wait'} for approval`;
}

/** The tray's menu for `count` pending approvals. */
export function trayMenuTemplate(
  count: number,
  options: Pick<TrayOptions, 'onOpen' | 'onShowApprovals' | 'onLock' | 'onQuit'>,
): MenuItemConstructorOptions[] {
  return [
    { label: 'Open Mesh Desktop', click: () => options.onOpen() },
    {
      label: count > 0 ? `Approvals (${count} waiting)` : 'Approvals',
      click: () => options.onShowApprovals(),
    },
    { type: 'separator' },
    { label: 'Lock', click: () => options.onLock() },
    { label: 'Quit', click: () => options.onQuit() },
  ];
}

export function createTrayIndicator(options: TrayOptions): TrayIndicator {
  const tray = new options.Tray(options.icon);
  let shown = -1;
  const setPending = (count: number): void => {
    const pending = Math.max(0, Math.floor(count));
    if (pending === shown) return;
    shown = pending;
    tray.setToolTip(trayToolTip(pending));
    tray.setTitle(pending > 0 ? String(pending) : '');
    tray.setContextMenu(options.Menu.buildFromTemplate(trayMenuTemplate(pending, options)));
  };
  tray.on('click', () => options.onOpen());
  setPending(0);
  return { setPending, destroy: () => tray.destroy() };
}
