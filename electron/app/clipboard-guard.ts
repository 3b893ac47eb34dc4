/**
 * Copying to the system clipboard with clearing (docs/architecture.md section 8, passwords): what
 * the renderer copies through `clipboard.copy` is written by the main process and wiped after a set
 * time (30 s unless the settings say otherwise), but only while the clipboard still holds what
 * this program put there: a person who copied something else meanwhile keeps it. At quit, a
 * copy still waiting to be cleared is cleared at once.
 */
/** The clipboard time when the settings say nothing (seconds). */
export const DEFAULT_CLIPBOARD_SECONDS = 30;

export interface ClipboardGuardOptions {
  /** Electron's `clipboard` (the calls used of it). */
  readonly clipboard: {
    writeText(text: string): void;
    /** Synchronous in Electron's main process; a promise in some typings and fakes. */
    readText(): string | Promise<string>;
    clear(): void;
  };
  /** The time a copy stays, in seconds, read at each copy (the setting may change). */
  readonly seconds: () => number;
  /** The clock, for the reply's `clearsAt` (default Date.now). */
  readonly now?: () => number;
}

export interface ClipboardGuard {
  /** Writes `text`, and schedules its clearing; resolves to when that happens (RFC 3339). */
  copy(text: string): { clearsAt: string };
  /** Clears now what this program copied, if the clipboard still holds it. */
  clearNow(): void;
  /** Whether a copy waits to be cleared. */
  pending(): boolean;
}

export function createClipboardGuard(options: ClipboardGuardOptions): ClipboardGuard {
  const now = options.now ?? Date.now;
  let copied: string | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;

  const clearNow = (): void => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    // Only our own text: never wipe what the person copied since from elsewhere.
    const expected = copied;
    copied = null;
    if (expected === null) return;
    const current = options.clipboard.readText();
    if (typeof current === 'string') {
      if (current === expected) options.clipboard.clear();
    } else {
      void current.then((text) => {
        if (text === expected) options.clipboard.clear();
      });
    }
  };

  return {
    copy(text) {
      if (timer !== null) clearTimeout(timer);
      const seconds = Math.max(1, Math.floor(options.seconds()));
      options.clipboard.writeText(text);
      copied = text;
      timer = setTimeout(clearNow, seconds * 1000);
      timer.unref?.();
      return { clearsAt: new Date(now() + seconds * 1000).toISOString() };
    },
    clearNow,
    pending: () => copied !== null,
  };
}
