/**
 * The witness of a device connection (docs/architecture.md section 4 and 7): both devices show it
 * and the user compares them, so the service cannot substitute a device or profile unnoticed.
 */
import { sha512 } from '@noble/hashes/sha2.js';
import { base32Encode } from './encoding/base32';
import { UDF_TYPE, parseUdf } from './udf';

/** Characters in a witness: 100 bits, five groups of four. */
const WITNESS_CHARACTERS = 20;

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const joined = new Uint8Array(a.length + b.length);
  joined.set(a, 0);
  joined.set(b, a.length);
  return joined;
}

/**
 * `w = SHA-512( SHA-512(ProfileUDF || ServerNonce) || SHA-512(DeviceUDF || ClientNonce) )`
 * over the bytes parseUdf() gives for each (type byte included), presented as 100 bits of
 * Base32 in groups of four (docs/architecture.md section 4). The administrator's device recomputes
 * it.
 */
export function computeWitness(input: {
  profileUdf: string;
  serverNonce: string;
  deviceUdf: string;
  clientNonce: string;
}): string {
  const profile = parseUdf(input.profileUdf).bytes;
  const serverNonce = parseUdf(input.serverNonce, { expectType: UDF_TYPE.nonce }).bytes;
  const device = parseUdf(input.deviceUdf).bytes;
  const clientNonce = parseUdf(input.clientNonce, { expectType: UDF_TYPE.nonce }).bytes;
  const witness = sha512(
    concat(sha512(concat(profile, serverNonce)), sha512(concat(device, clientNonce))),
  );
  const characters = base32Encode(witness).slice(0, WITNESS_CHARACTERS);
  return characters.match(/.{4}/g)!.join('-');
}
