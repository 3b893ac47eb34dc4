import { describe, expect, it } from 'vitest';
import {
  addNeverAsk,
  mayAskToStore,
  mayOfferGenerated,
  readPasswordSettings,
  removeNeverAsk,
  setAutoGenerate,
} from '../../../electron/core/passwords/password-settings';

describe('password settings (draft-hallambaker-mesh-reference-03 section 5.7.2)', () => {
  it('defaults to an empty NeverAsk list and no AutoGenerate', () => {
    const settings = readPasswordSettings();
    expect(settings).toEqual({ NeverAsk: [] });
    expect(mayOfferGenerated(settings)).toBe(false);
    expect(mayOfferGenerated(setAutoGenerate(settings, true))).toBe(true);
  });

  it('never asks for NeverAsk sites, matched like entry sites', () => {
    let settings = readPasswordSettings();
    settings = addNeverAsk(settings, 'https://Bank.Example/login');
    settings = addNeverAsk(settings, '*.intranet.example');
    expect(addNeverAsk(settings, 'bank.example')).toBe(settings);
    expect(settings.NeverAsk).toEqual(['bank.example', '*.intranet.example']);
    expect(mayAskToStore(settings, 'https://bank.example/account')).toBe(false);
    expect(mayAskToStore(settings, 'https://hr.intranet.example/')).toBe(false);
    expect(mayAskToStore(settings, 'https://intranet.example/')).toBe(true);
    expect(mayAskToStore(settings, 'https://www.bank.example/')).toBe(true);
    settings = removeNeverAsk(settings, 'BANK.example');
    expect(mayAskToStore(settings, 'https://bank.example/account')).toBe(true);
  });

  it('refuses stored settings that are not valid', () => {
    expect(() => readPasswordSettings({ NeverAsk: ['not a site'] })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT', details: { field: 'NeverAsk.0' } }),
    );
    expect(() => readPasswordSettings({ AutoGenerate: 'yes' })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
  });
});
