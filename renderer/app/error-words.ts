/**
 * Error codes (shared/errors.ts) in a desktop user's words: what happened and what to do, never
 * a command-line flag, an environment variable or a stack. The core and the main process send
 * codes; the words are chosen here (docs/core-api.md section 1).
 */
import type { MeshErrorCode } from '../../shared/errors';
import type { MeshIpcError } from '../../shared/ipc/contract';

export interface ErrorWords {
  /** One sentence: what went wrong. */
  readonly title: string;
  /** What the person can do about it. */
  readonly advice: string;
}

const words: Record<MeshErrorCode, ErrorWords> = {
  INVALID_ARGUMENT: {
    title: 'Something in this form is not right.',
    advice: 'Check the highlighted field and try again.',
  },
  INVALID_UDF: {
    title: 'That fingerprint is not valid.',
    advice: 'Check it for a missing or mistyped character.',
  },
  INVALID_SHARE: {
    title: 'That recovery share is not valid.',
    advice: 'Compare it, group by group, with the share you wrote down.',
  },
  INVALID_MESSAGE: {
    title: 'The service sent something this program cannot read.',
    advice: 'Try again later; if it goes on, the service may run another version.',
  },
  SIGNATURE_INVALID: {
    title: 'A signature did not check out.',
    advice: 'Do not trust what was received. See the Trust screen.',
  },
  DECRYPTION_FAILED: {
    title: 'This device could not decrypt the data.',
    advice: 'The device may have been removed from your Mesh. Ask an administrator device.',
  },
  NOT_A_RECIPIENT: {
    title: 'This data was not encrypted for this device.',
    advice: 'Wait for the next sync, or ask an administrator device to approve this one again.',
  },
  KEY_INVALID: {
    title: 'A key is not valid.',
    advice: 'Do not trust what was received. See the Trust screen.',
  },
  UNTRUSTED_PROFILE: {
    title: 'A profile failed verification.',
    advice: 'Do not approve or use it. See the Trust screen for what it means.',
  },
  PROFILE_MISMATCH: {
    title: 'The service offered a different Mesh than the one your link or PIN is for.',
    advice:
      'This device was not connected and kept nothing of it. Do not try again through this service; tell whoever runs your Mesh. See the Trust screen.',
  },
  PROOF_INVALID: {
    title: "The service's log proof did not check out.",
    advice: 'The service may be misbehaving. See the Trust screen.',
  },
  LOG_INCONSISTENT: {
    title: "The service's log does not match what this device saw before.",
    advice: 'The service may show different things to different devices. See the Trust screen.',
  },
  UNAUTHORIZED: {
    title: 'This device is not allowed to do that.',
    advice: 'An administrator device of your Mesh can.',
  },
  NOT_FOUND: {
    title: 'It is not there any more.',
    advice: 'Another device may have changed it. The list is read again.',
  },
  ALREADY_EXISTS: { title: 'That name is already taken.', advice: 'Choose another one.' },
  CONFLICT: {
    title: 'Another device changed this at the same time.',
    advice: 'Look at the latest version and make your change again.',
  },
  TOO_LARGE: { title: 'That is too large.', advice: 'Try with less at once.' },
  OVERLOADED: { title: 'The service is busy.', advice: 'Try again in a minute.' },
  REDIRECT: {
    title: 'The service moved.',
    advice: 'Check the service address in Settings.',
  },
  SERVICE_ERROR: {
    title: 'The Mesh service had a problem.',
    advice: 'Try again later, or check the service in Settings.',
  },
  NETWORK: {
    title: 'The Mesh service cannot be reached.',
    advice: 'Check your connection. Changes wait on this device and go out when it is back.',
  },
  TIMEOUT: {
    title: 'The Mesh service took too long to answer.',
    advice: 'Check your connection and try again.',
  },
  CANCELLED: { title: 'Cancelled.', advice: 'Nothing was changed.' },
  KEYCHAIN_UNAVAILABLE: {
    title: "Your system's keychain did not answer.",
    advice: 'Unlock your keychain (or log in to your desktop session again), then try again.',
  },
  HOME_LOCKED: {
    title: 'Another program is setting up or syncing this device right now.',
    advice: 'Wait for it to finish, then try again.',
  },
  PASSPHRASE_INVALID: {
    title: 'That passphrase is not right.',
    advice: 'Try again.',
  },
  STORE_CORRUPT: {
    title: "This device's local data is damaged.",
    advice: 'Recover from your escrow shares, or connect this device again from another one.',
  },
  NOT_CONNECTED: {
    title: 'This device is not connected to a Mesh yet.',
    advice: 'Create a master profile, or connect this device from another of yours.',
  },
  EXPIRED: {
    title: 'That has expired.',
    advice: 'Start again: ask for a new PIN or a new connection request.',
  },
  DISK_FULL: {
    title: 'This computer has no space left on its disk.',
    advice: 'Free some space, then try again. Nothing was half-written.',
  },
  INTERNAL: {
    title: 'Something went wrong inside Mesh Desktop.',
    advice: 'Try again; if it goes on, restart the program.',
  },
};

/** DISK_FULL answered by the service (status 507) rather than met on this computer. */
const serviceDiskFull: ErrorWords = {
  title: 'The Mesh service has no space left to store this.',
  advice:
    'Nothing was stored there; your changes wait on this device. Tell whoever runs the service.',
};

/** The words for a failed request. */
export function errorWords(
  error: Pick<MeshIpcError, 'code'> & { readonly details?: MeshIpcError['details'] },
): ErrorWords {
  if (error.code === 'DISK_FULL' && error.details?.status === 507) return serviceDiskFull;
  return words[error.code];
}
