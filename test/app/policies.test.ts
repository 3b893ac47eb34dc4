// Small policies of electron/app: external links (checklist 15), the service setting, the
// window's options (checklist 2-4, 6, 8-11) and permissions (checklist 5).
import { describe, expect, it, vi } from 'vitest';
import { isSafeExternalUrl, MAX_EXTERNAL_URL_LENGTH } from '../../electron/app/external-url';
import { denyAllPermissions } from '../../electron/app/permissions';
import { parseServiceSetting } from '../../electron/app/service-setting';
import { mainWindowOptions, meshWebPreferences } from '../../electron/app/window';
import { isMeshError } from '../../shared/errors';

describe('isSafeExternalUrl', () => {
  it('accepts plain https links only', () => {
    expect(isSafeExternalUrl('https://example.org/')).toBe(true);
    expect(isSafeExternalUrl('https://example.org/a?b=c#d')).toBe(true);
    for (const url of [
      'http://example.org/',
      'file:///etc/passwd',
      'javascript:alert(1)',
      'smb://server/share',
      'app://mesh/index.html',
      'https://user:secret@example.org/',
      'https://user@example.org/',
      'not a url',
      `https://example.org/${'a'.repeat(MAX_EXTERNAL_URL_LENGTH)}`,
    ]) {
      expect(isSafeExternalUrl(url), url).toBe(false);
    }
  });
});

describe('parseServiceSetting', () => {
  it('is the embedded service when nothing is set', () => {
    expect(parseServiceSetting(undefined)).toEqual({ kind: 'embedded' });
    expect(parseServiceSetting('  ')).toEqual({ kind: 'embedded' });
  });

  it('takes https anywhere and http on loopback only', () => {
    expect(parseServiceSetting('https://mesh.example.org')).toEqual({
      kind: 'configured',
      url: 'https://mesh.example.org/',
    });
    for (const url of ['http://127.0.0.1:8080', 'http://localhost:8080/', 'http://[::1]:8080/']) {
      expect(parseServiceSetting(url).kind, url).toBe('configured');
    }
  });

  it('refuses plain http elsewhere, other schemes, credentials and non-URLs', () => {
    for (const value of [
      'http://mesh.example.org',
      'http://10.0.0.1/',
      'ftp://mesh.example.org',
      'https://alice:pw@mesh.example.org',
      'mesh.example.org',
    ]) {
      let thrown: unknown;
      try {
        parseServiceSetting(value);
      } catch (error) {
        thrown = error;
      }
      expect(isMeshError(thrown, 'INVALID_ARGUMENT'), value).toBe(true);
    }
  });
});

describe('window options', () => {
  it('spell out every security option of webPreferences', () => {
    const prefs = meshWebPreferences('/x/preload.cjs');
    expect(prefs).toMatchObject({
      preload: '/x/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
    });
    expect(prefs).not.toHaveProperty('enableBlinkFeatures');
  });

  it('start hidden, and carry the icon only when given', () => {
    expect(mainWindowOptions('/p')).not.toHaveProperty('icon');
    expect(mainWindowOptions('/p', '/i.png')).toMatchObject({ icon: '/i.png', show: false });
  });
});

describe('denyAllPermissions', () => {
  it('installs handlers that deny', () => {
    const session = {
      setPermissionRequestHandler: vi.fn(),
      setPermissionCheckHandler: vi.fn(),
      setDevicePermissionHandler: vi.fn(),
    };
    denyAllPermissions(session);
    const request = session.setPermissionRequestHandler.mock.calls[0]?.[0];
    const callback = vi.fn();
    request({}, 'media', callback, {});
    expect(callback).toHaveBeenCalledExactlyOnceWith(false);
    expect(session.setPermissionCheckHandler.mock.calls[0]?.[0]()).toBe(false);
    expect(session.setDevicePermissionHandler.mock.calls[0]?.[0]()).toBe(false);
  });
});
