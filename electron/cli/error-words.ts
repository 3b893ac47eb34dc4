/**
 * The CLI's words for the core's errors: the core says what happened with a code and typed
 * details, in words any front end can show; what to do about it in a terminal (a flag, an
 * environment variable, another command) is added here, and only here. The desktop's renderer
 * has its own words (renderer/app/error-words.ts).
 */
import type { MeshError } from '../../shared/errors';

/** How to get a working keychain, or to do without one, on this platform. */
export function keychainRemedy(platform: NodeJS.Platform = process.platform): string {
  const headless =
    "On a machine without a keychain, keep this home's secrets in a passphrase-protected file instead: set MESH_KEYSTORE=file and MESH_PASSPHRASE (or pass --keystore file) when you create the home.";
  switch (platform) {
    case 'darwin':
      return `Unlock the login keychain (Keychain Access) and try again. ${headless}`;
    case 'win32':
      return `Make sure the Credential Manager service is running and try again. ${headless}`;
    default:
      return (
        'No Secret Service (gnome-keyring or KWallet) is running on the D-Bus session, or it is locked. ' +
        'Start and unlock one, e.g. in a D-Bus session: `echo -n PASSWORD | gnome-keyring-daemon --unlock --components=secrets`. ' +
        headless
      );
  }
}

/** What to do, in the CLI's terms, after the core's message; empty when there is nothing. */
function hint(error: MeshError, platform: NodeJS.Platform): string {
  const { reason, field } = error.details;
  switch (error.code) {
    case 'KEYCHAIN_UNAVAILABLE':
      return `. ${keychainRemedy(platform)}`;
    case 'PASSPHRASE_INVALID':
      return reason === 'missing' ? ': set MESH_PASSPHRASE' : '';
    case 'DISK_FULL':
      return error.details.status === 507
        ? ": the service's operator must free space; your changes wait on this device"
        : '. Free some space on this disk and run the command again';
    case 'PROFILE_MISMATCH':
      return '. Do not connect through this service: check the service address, and ask an administrator device for a new PIN (mesh account pin)';
    case 'HOME_LOCKED':
      // Held only around setting a home up, its secrets and sync (docs/local-store.md).
      return error.details.lock === 'sync'
        ? '. Try again when that sync is done.'
        : '. Wait for it to finish and try again, or use another home (--home DIR).';
    case 'ALREADY_EXISTS':
      if (reason === 'connected') return '; use another home (--home DIR) for another account';
      if (reason === 'requested') {
        return ' (mesh device complete); use another home (--home DIR) to create one';
      }
      return '';
    case 'NOT_CONNECTED':
      if (reason === 'no-request') return ' (mesh device request ACCOUNT)';
      if (reason === 'not-connected') {
        return ': create one (mesh account create), connect it to one (mesh device request) or recover one (mesh account recover)';
      }
      return '';
    case 'UNAUTHORIZED':
      return reason === 'not-administrator'
        ? ': approve, remove and issue PINs on an administrator device, or recover administration from escrow shares (mesh account recover)'
        : '';
    case 'NOT_FOUND':
      if (reason === 'no-servers') return ': give them with --imap and --smtp';
      if (field === 'site') return ' (mesh password list shows them)';
      return '';
    case 'NOT_A_RECIPIENT':
      return reason === 'key-not-shared'
        ? ' (run mesh account sync on an administrator device, then here)'
        : '';
    case 'TIMEOUT':
      return reason === 'pin-unused' ? ' (accept it then with mesh device accept ID)' : '';
    case 'INVALID_ARGUMENT':
      return field === 'username' && typeof error.details.matches === 'number'
        ? ': say which with --username'
        : '';
    default:
      return '';
  }
}

/** The line the CLI shows for a core error: the core's message and what to do here. */
export function cliWords(error: MeshError, platform: NodeJS.Platform = process.platform): string {
  return `${error.message}${hint(error, platform)}`;
}
