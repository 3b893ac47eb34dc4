// The desktop program's own main-process pieces (docs/architecture.md section 8), each against the
// recording fake of `electron`: the menu, the tray, approval notifications, the clipboard with
// clearing, `mcu://` links and the lock.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { MenuItemConstructorOptions } from 'electron';
import { appMenuTemplate, installAppMenu } from '../../electron/app/app-menu';
import {
  approvalNotice,
  createApprovalNotifier,
  displayText,
} from '../../electron/app/approval-notifications';
import {
  createClipboardGuard,
  DEFAULT_CLIPBOARD_SECONDS,
} from '../../electron/app/clipboard-guard';
import { checkMcuLink, findMcuLink, registerMcuLinks } from '../../electron/app/mcu-links';
import { createSessionLock, type LockState } from '../../electron/app/session-lock';
import { createTrayIndicator } from '../../electron/app/tray';
import { MeshError } from '../../shared/errors';
import { createFakeElectron, FakeEvent, type FakeElectron } from './fake-electron';

let fake: FakeElectron;
beforeEach(() => {
  fake = createFakeElectron();
});
afterEach(() => {
  vi.useRealTimers();
});

/** Every role and label anywhere in a menu template. */
function entries(template: readonly MenuItemConstructorOptions[]): string[] {
  const found: string[] = [];
  const walk = (items: readonly MenuItemConstructorOptions[]) => {
    for (const item of items) {
      if (item.role) found.push(`role:${item.role}`);
      if (item.label) found.push(item.label);
      if (Array.isArray(item.submenu)) walk(item.submenu);
    }
  };
  walk(template);
  return found;
}

function click(template: readonly MenuItemConstructorOptions[], label: string): void {
  const walk = (items: readonly MenuItemConstructorOptions[]): boolean => {
    for (const item of items) {
      if (item.label === label && item.click) {
        (item.click as () => void)();
        return true;
      }
      if (Array.isArray(item.submenu) && walk(item.submenu)) return true;
    }
    return false;
  };
  if (!walk(template)) throw new Error(`no menu item ${label}`);
}

describe('the application menu', () => {
  const options = { onShowScreen: vi.fn(), onLock: vi.fn() };

  it('has no Reload or developer tools in a packaged build', () => {
    for (const platform of ['linux', 'darwin', 'win32'] as const) {
      const packaged = entries(appMenuTemplate({ ...options, packaged: true, platform }));
      expect(packaged, platform).not.toContain('role:reload');
      expect(packaged).not.toContain('role:forceReload');
      expect(packaged).not.toContain('role:toggleDevTools');
      expect(packaged).toContain('role:copy');
      expect(packaged).toContain('role:paste');
    }
    const development = entries(
      appMenuTemplate({ ...options, packaged: false, platform: 'linux' }),
    );
    expect(development).toContain('role:toggleDevTools');
  });

  it('is installed as the application menu, and its Go and Lock entries call back', () => {
    const onShowScreen = vi.fn();
    const onLock = vi.fn();
    installAppMenu(fake.module.Menu, { packaged: true, platform: 'linux', onShowScreen, onLock });
    const menu = fake.applicationMenu() as { template: MenuItemConstructorOptions[] };
    expect(menu).not.toBeNull();
    click(menu.template, 'Approvals');
    click(menu.template, 'Lock');
    click(menu.template, 'About Mesh Desktop');
    expect(onShowScreen.mock.calls).toEqual([['approvals'], ['about']]);
    expect(onLock).toHaveBeenCalledTimes(1);
  });
});

describe('the tray', () => {
  it('shows the number of pending approvals in its tooltip, title and menu', () => {
    const actions = { onOpen: vi.fn(), onShowApprovals: vi.fn(), onLock: vi.fn(), onQuit: vi.fn() };
    const indicator = createTrayIndicator({
      Tray: fake.module.Tray,
      Menu: fake.module.Menu,
      icon: '/icon.png',
      ...actions,
    });
    const [tray] = fake.trays;
    expect(tray?.image).toBe('/icon.png');
    expect(tray?.toolTip).toBe('Mesh Desktop');
    expect(tray?.title).toBe('');
    indicator.setPending(2);
    expect(tray?.toolTip).toBe('Mesh Desktop: 2 devices wait for approval');
    expect(tray?.title).toBe('2');
    const menu = tray?.contextMenu as { template: MenuItemConstructorOptions[] };
    expect(entries(menu.template)).toContain('Approvals (2 waiting)');
    click(menu.template, 'Approvals (2 waiting)');
    expect(actions.onShowApprovals).toHaveBeenCalledTimes(1);
    indicator.setPending(1);
    expect(tray?.toolTip).toBe('Mesh Desktop: 1 device waits for approval');
    tray?.emit('click');
    expect(actions.onOpen).toHaveBeenCalledTimes(1);
    indicator.destroy();
    expect(tray?.destroyed).toBe(true);
  });
});

describe('approval notifications', () => {
  const request = {
    requestId: 'r1',
    deviceDescription: 'Phone\u0007\u202e evil',
    pinVerified: false,
  };

  it('notifies each request once, without control characters, and opens the approvals on click', () => {
    const onClick = vi.fn();
    const notifier = createApprovalNotifier({ Notification: fake.module.Notification, onClick });
    notifier.notify([request]);
    notifier.notify([request, { ...request, requestId: 'r2', pinVerified: true }]);
    expect(fake.notifications).toHaveLength(2);
    const [first, second] = fake.notifications;
    expect(first?.shown).toBe(true);
    expect(first?.options.title).toBe('A device asks to connect');
    expect(first?.options.body).toBe(
      'Phone evil waits for approval. Open Mesh Desktop and compare the code it shows.',
    );
    expect(second?.options.body).toContain('used a PIN you issued');
    first?.emit('click');
    expect(onClick).toHaveBeenCalledWith('r1');
  });

  it('shows nothing where the platform has no notifications', () => {
    fake.module.Notification.supported = false;
    createApprovalNotifier({ Notification: fake.module.Notification, onClick: vi.fn() }).notify([
      request,
    ]);
    expect(fake.notifications).toHaveLength(0);
  });

  it('names an unnamed device and shortens a long name', () => {
    expect(approvalNotice({ ...request, deviceDescription: '\u0000' }).body).toMatch(/^A device/);
    expect(displayText('x'.repeat(200))).toHaveLength(80);
  });
});

describe('the clipboard', () => {
  it('clears what it copied after the set time (30 s by default)', () => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2026-01-01T00:00:00Z'));
    const guard = createClipboardGuard({
      clipboard: fake.module.clipboard,
      seconds: () => DEFAULT_CLIPBOARD_SECONDS,
    });
    expect(guard.copy('hunter2')).toEqual({ clearsAt: '2026-01-01T00:00:30.000Z' });
    expect(fake.module.clipboard.readText()).toBe('hunter2');
    vi.advanceTimersByTime(29_999);
    expect(fake.module.clipboard.readText()).toBe('hunter2');
    vi.advanceTimersByTime(1);
    expect(fake.module.clipboard.readText()).toBe('');
    expect(guard.pending()).toBe(false);
  });

  it('leaves what the person copied since from elsewhere', () => {
    vi.useFakeTimers();
    const guard = createClipboardGuard({ clipboard: fake.module.clipboard, seconds: () => 5 });
    guard.copy('secret');
    fake.module.clipboard.text = 'their own text';
    vi.advanceTimersByTime(5_000);
    expect(fake.module.clipboard.readText()).toBe('their own text');
    expect(fake.calls.some((call) => call.name === 'clipboard.clear')).toBe(false);
  });

  it('clears at once when told (at quit), and a new copy restarts the time', () => {
    vi.useFakeTimers();
    const guard = createClipboardGuard({ clipboard: fake.module.clipboard, seconds: () => 10 });
    guard.copy('one');
    vi.advanceTimersByTime(8_000);
    guard.copy('two');
    vi.advanceTimersByTime(8_000);
    expect(fake.module.clipboard.readText()).toBe('two');
    guard.clearNow();
    expect(fake.module.clipboard.readText()).toBe('');
  });
});

describe('mcu:// links', () => {
  const link = 'mcu://alice@example.com/ABCD-EFGH-JKLM-NPQR-STUV';

  it('takes a well-formed connection URI and nothing else', () => {
    expect(checkMcuLink(link)).toBe(link);
    expect(checkMcuLink('mcu://alice@example.com/')).toBeNull();
    expect(checkMcuLink(`${link}\n`)).toBeNull();
    expect(checkMcuLink('https://example.com/x')).toBeNull();
    expect(findMcuLink(['/opt/mesh', '--flag', link])).toBe(link);
    expect(findMcuLink(['/opt/mesh'])).toBeNull();
  });

  it('registers the scheme and opens links from the first launch, a second instance and open-url', () => {
    const opened: string[] = [];
    // The fake's `on` takes any event name; the module's type names the two it uses.
    const app = fake.module.app as unknown as Parameters<typeof registerMcuLinks>[0];
    registerMcuLinks(app, ['/opt/mesh', link], (found) => opened.push(found));
    expect(fake.calls).toContainEqual({ name: 'app.setAsDefaultProtocolClient', args: ['mcu'] });
    fake.module.app.emit('second-instance', new FakeEvent(), [
      '/opt/mesh',
      'mcu://bob@example.com/ABCD-EFGH-JKLM-NPQR-STUV',
    ]);
    fake.module.app.emit('second-instance', new FakeEvent(), ['/opt/mesh']);
    const openUrl = new FakeEvent();
    fake.module.app.emit('open-url', openUrl, link);
    fake.module.app.emit('open-url', new FakeEvent(), 'mcu://broken');
    expect(openUrl.defaultPrevented).toBe(true);
    expect(opened).toEqual([link, 'mcu://bob@example.com/ABCD-EFGH-JKLM-NPQR-STUV', link]);
  });
});

describe('the lock', () => {
  function lockWith(settings = { lockAfterIdleMinutes: 5, lockOnSleep: true }) {
    const changes: LockState[] = [];
    let keychain: 'answers' | 'refuses' = 'answers';
    const lock = createSessionLock({
      powerMonitor: fake.module.powerMonitor,
      settings: () => settings,
      checkKeychain: async () => {
        if (keychain === 'refuses') {
          throw new MeshError('KEYCHAIN_UNAVAILABLE', 'the keychain is locked');
        }
      },
      onChange: (state) => changes.push(state),
      idleCheckMs: 1_000,
    });
    return { lock, changes, refuse: () => (keychain = 'refuses'), settings };
  }

  it('locks on system sleep and screen lock, once', () => {
    const { lock, changes } = lockWith();
    fake.module.powerMonitor.emit('lock-screen');
    fake.module.powerMonitor.emit('suspend');
    expect(changes).toEqual([{ locked: true, reason: 'lock-screen' }]);
    expect(lock.state().locked).toBe(true);
    lock.stop();
    expect(fake.module.powerMonitor.listenerCount('suspend')).toBe(0);
  });

  it('does not lock on sleep when the setting is off', () => {
    const { lock, changes } = lockWith({ lockAfterIdleMinutes: 0, lockOnSleep: false });
    fake.module.powerMonitor.emit('suspend');
    expect(changes).toEqual([]);
    lock.stop();
  });

  it('locks after the idle time', () => {
    vi.useFakeTimers();
    const { lock, changes } = lockWith();
    fake.module.powerMonitor.idleSeconds = 299;
    vi.advanceTimersByTime(1_000);
    expect(changes).toEqual([]);
    fake.module.powerMonitor.idleSeconds = 300;
    vi.advanceTimersByTime(1_000);
    expect(changes).toEqual([{ locked: true, reason: 'idle' }]);
    lock.stop();
  });

  it('unlocks only when the keychain answers', async () => {
    const { lock, changes, refuse } = lockWith();
    lock.lock('user');
    refuse();
    await expect(lock.unlock()).rejects.toMatchObject({ code: 'KEYCHAIN_UNAVAILABLE' });
    expect(lock.state()).toEqual({ locked: true, reason: 'user' });
    lock.stop();
    const second = lockWith();
    second.lock.lock('user');
    expect(await second.lock.unlock()).toEqual({ locked: false, reason: null });
    expect(second.changes.at(-1)).toEqual({ locked: false, reason: null });
    second.lock.stop();
    expect(changes).toHaveLength(1);
  });
});
