/**
 * Which links may leave the app for the user's browser (Electron security checklist item 15:
 * no untrusted input to `shell.openExternal`).
 */

/** Longest URL handed to the operating system. */
export const MAX_EXTERNAL_URL_LENGTH = 2048;

/**
 * True only for a plain `https:` URL with a host, no user name or password, and a sane length:
 * never `file:`, `javascript:`, custom schemes or `http:`.
 */
export function isSafeExternalUrl(url: string): boolean {
  if (url.length > MAX_EXTERNAL_URL_LENGTH) return false;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return (
    parsed.protocol === 'https:' &&
    parsed.hostname.length > 0 &&
    parsed.username === '' &&
    parsed.password === ''
  );
}
