import { deriveKeyPair, generateSeed, KEY_LABELS } from '../../../electron/core/crypto/keys';
import { deviceRequestSigner } from '../../../electron/core/protocol/request-signing';

/** A device signer for `account` with a fresh authentication key. */
export function testSigner(account = 'alice') {
  const key = deriveKeyPair(generateSeed(), KEY_LABELS.deviceAuthenticate, 'Ed25519');
  const signer = deviceRequestSigner({
    account,
    deviceUdf: key.udf, // stands in for the device profile's UDF
    authenticationKey: key,
  });
  return { key, signer };
}

/** A valid Upload request for `account`. */
export function uploadRequest(account = 'alice') {
  return {
    Account: account,
    Updates: [{ Container: 'mmm_Password', ExpectedIndex: 0, Entries: [{ Payload: 'e1' }] }],
  };
}
