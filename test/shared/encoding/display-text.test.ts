/** shared/encoding/display-text.ts: what other parties wrote cannot rewrite a terminal. */
import { describe, expect, it } from 'vitest';
import { displayText } from '../../../shared/encoding/display-text';

describe('displayText', () => {
  it('replaces escape sequences, carriage returns, C1 and bidi overrides', () => {
    const name = 'laptop\u001b[2K\rWitness: AAAA-BBBB\u009b31m\u202egnp.exe';
    const shown = displayText(name);
    expect(shown).not.toMatch(/[\u001b\r\u009b\u202e]/);
    expect(shown).toBe('laptop\ufffd[2K\ufffdWitness: AAAA-BBBB\ufffd31m\ufffdgnp.exe');
  });

  it('keeps newlines and tabs only when asked, and leaves ordinary text alone', () => {
    expect(displayText('a\nb')).toBe('a\ufffdb');
    expect(displayText('a\nb\tc', { keepLayout: true })).toBe('a\nb\tc');
    expect(displayText('a\u001b[2Jb', { keepLayout: true })).toBe('a\ufffd[2Jb');
    expect(displayText('Zoë’s Pixel 8 — 日本')).toBe('Zoë’s Pixel 8 — 日本');
  });
});
