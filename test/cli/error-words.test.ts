// The CLI's words for the core's errors (electron/cli/error-words.ts): the core's message names
// no flag, variable or command; the CLI adds what to do in a terminal, by code and typed details.
import { describe, expect, it } from 'vitest';
import { cliWords } from '../../electron/cli/error-words';
import { MeshError, type MeshErrorCode } from '../../shared/errors';

const cases: [MeshErrorCode, Record<string, string | number>, string][] = [
  ['KEYCHAIN_UNAVAILABLE', { reason: 'service' }, 'MESH_KEYSTORE=file and MESH_PASSPHRASE'],
  ['PASSPHRASE_INVALID', { reason: 'missing' }, ': set MESH_PASSPHRASE'],
  ['HOME_LOCKED', { directory: '/h', lock: 'home', pid: 1 }, 'use another home (--home DIR)'],
  ['HOME_LOCKED', { directory: '/h', lock: 'sync', pid: 1 }, 'when that sync is done'],
  ['ALREADY_EXISTS', { field: 'home', reason: 'connected' }, '(--home DIR) for another account'],
  ['ALREADY_EXISTS', { field: 'home', reason: 'requested' }, '(mesh device complete)'],
  ['NOT_CONNECTED', { reason: 'no-request' }, '(mesh device request ACCOUNT)'],
  ['NOT_CONNECTED', { reason: 'not-connected' }, 'create one (mesh account create)'],
  ['UNAUTHORIZED', { reason: 'not-administrator' }, 'escrow shares (mesh account recover)'],
  ['NOT_FOUND', { field: 'EmailAddress', reason: 'no-servers' }, '--imap and --smtp'],
  ['NOT_FOUND', { field: 'site' }, '(mesh password list shows them)'],
  ['INVALID_ARGUMENT', { field: 'username', matches: 2 }, 'say which with --username'],
  ['NOT_A_RECIPIENT', { type: 'password', reason: 'key-not-shared' }, 'mesh account sync'],
  ['TIMEOUT', { seconds: 5, reason: 'pin-unused' }, 'mesh device accept ID'],
  ['PROFILE_MISMATCH', { reason: 'pin' }, 'new PIN (mesh account pin)'],
  ['DISK_FULL', { path: '/h/home.lock', reason: 'device' }, 'Free some space on this disk'],
  ['DISK_FULL', { transaction: 'Upload', status: 507 }, "the service's operator must free space"],
];

describe('cliWords', () => {
  for (const [code, details, words] of cases) {
    it(`adds the CLI's remedy to ${code} ${JSON.stringify(details)}`, () => {
      const said = cliWords(new MeshError(code, 'what happened', details), 'linux');
      expect(said.startsWith('what happened')).toBe(true);
      expect(said).toContain(words);
    });
  }

  it('says the platform remedy for the keychain', () => {
    const error = new MeshError('KEYCHAIN_UNAVAILABLE', 'the OS keychain did not answer');
    expect(cliWords(error, 'linux')).toContain('gnome-keyring');
    expect(cliWords(error, 'darwin')).toContain('Keychain Access');
    expect(cliWords(error, 'win32')).toContain('Credential Manager');
  });

  it('adds nothing to an error it has no remedy for', () => {
    expect(cliWords(new MeshError('TIMEOUT', 'the service did not answer in time'))).toBe(
      'the service did not answer in time',
    );
  });
});
