import { describe, expect, it } from 'vitest';
import { DEFAULT_PIN_LIFETIME_MS } from '../../electron/core/device/issue-pin';
import { mesh } from './captured-io';

describe('mesh account pin --help', () => {
  // The CLI writes the default out rather than importing the device code for one number.
  it('names the core default PIN lifetime', async () => {
    const result = await mesh(['account', 'pin', '--help']);
    expect(result.stdout).toContain(`(default ${DEFAULT_PIN_LIFETIME_MS / 60_000}m,`);
  });
});
