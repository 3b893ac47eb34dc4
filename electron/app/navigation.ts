/**
 * Navigation and new windows (Electron security checklist items 11-15): the renderer is a
 * single page that never navigates, so every navigation is refused; no window is ever opened,
 * and a checked `https:` link goes to the user's browser instead.
 */
import type { WebContents } from 'electron';
import { isSafeExternalUrl } from './external-url';

type GuardedContents = Pick<WebContents, 'on' | 'setWindowOpenHandler'>;

/** Opens a URL in the user's browser (`shell.openExternal`). */
export type OpenExternal = (url: string) => Promise<void>;

/**
 * Hardens one webContents: `will-navigate` and `will-frame-navigate` are prevented,
 * `<webview>` attachment is prevented, and `window.open` / `target=_blank` are denied, handing
 * a safe `https:` URL to `openExternal`.
 */
export function restrictNavigation(contents: GuardedContents, openExternal: OpenExternal): void {
  contents.on('will-navigate', (event) => event.preventDefault());
  contents.on('will-frame-navigate', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    if (isSafeExternalUrl(url)) {
      openExternal(url).catch(() => {
        // The user's browser could not be started; nothing to do inside the app.
      });
    }
    return { action: 'deny' };
  });
}
