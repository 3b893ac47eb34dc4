/**
 * Canonical identifiers (docs/architecture.md section 4 step 5): the service stores every profile,
 * device and escrow identifier in one form so that lookups match whatever presentation a client
 * used. Fingerprints (type 96, 80, 0) are kept at 140 bits, upper case, in groups of four; a stored
 * identifier needs at least that precision. A query may use 100 to 520 bits: 140 or more is cut
 * to 140 and matched exactly, less is matched as a prefix. Nonce and secret UDFs are matched in
 * full. A compressed content digest UDF (type 97..100, 81..84; draft-hallambaker-mesh-udf-13
 * §5.1.3) is stored and looked up under its uncompressed type byte, so that an identifier made
 * before compression and the same one made after find one record.
 */
import { MeshError } from '../shared/errors';
import { parseUdf, UDF_DEFAULT_BITS, UDF_TYPE, udfBaseType, uncompressedUdf } from '../shared/udf';

const FINGERPRINT_CHARACTERS = UDF_DEFAULT_BITS / 5;
const fingerprintTypes: ReadonlySet<number> = new Set([
  UDF_TYPE.sha2_512,
  UDF_TYPE.sha3_512,
  UDF_TYPE.authenticator,
]);

function characters(udf: string): string {
  return udf.replace(/[-\s]/g, '').toUpperCase();
}

function grouped(text: string): string {
  return text.match(/.{1,4}/g)?.join('-') ?? '';
}

function parse(udf: string, field: string): ReturnType<typeof parseUdf> {
  try {
    return parseUdf(udf);
  } catch (error) {
    throw new MeshError(
      'INVALID_MESSAGE',
      `${field}: ${error instanceof Error ? error.message : 'not a UDF'}`,
      { field },
    );
  }
}

const MEMO_LIMIT = 8192;
const canonicalMemo = new Map<string, string>();
const lookupMemo = new Map<string, { exact: string } | { prefix: string }>();

function memo<T>(table: Map<string, T>, key: string, make: () => T): T {
  const found = table.get(key);
  if (found !== undefined) return found;
  const made = make();
  if (table.size >= MEMO_LIMIT) table.delete(table.keys().next().value as string);
  table.set(key, made);
  return made;
}

/**
 * The canonical form of an identifier to store; INVALID_MESSAGE if it is not a UDF of enough bits.
 */
export function canonicalIdentifier(udf: string, field = 'Identifier'): string {
  const canonical = alreadyCanonical(udf);
  if (canonical !== undefined) return canonical;
  // Only successes are remembered; a failure names its field each time.
  return memo(canonicalMemo, udf, () => canonicalOf(udf, field));
}

function canonicalOf(udf: string, field: string): string {
  const parsed = parse(udf, field);
  if (!fingerprintTypes.has(udfBaseType(parsed.typeByte))) return grouped(characters(udf));
  const text = characters(uncompressedUdf(udf));
  if (text.length < FINGERPRINT_CHARACTERS) {
    throw new MeshError(
      'INVALID_MESSAGE',
      `${field}: a stored identifier needs at least ${UDF_DEFAULT_BITS} bits`,
      { field },
    );
  }
  return grouped(text.slice(0, FINGERPRINT_CHARACTERS));
}

// A 140-bit fingerprint already in the stored form: seven upper-case groups of four Base32
// characters. Its type byte is in the first two characters; nothing else needs parsing.
const CANONICAL_FINGERPRINT = /^[A-Z2-7]{4}(?:-[A-Z2-7]{4}){6}$/;
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** The identifier itself when it is a fingerprint in canonical form, else undefined. */
function alreadyCanonical(udf: string): string | undefined {
  if (udf.length !== 34 || !CANONICAL_FINGERPRINT.test(udf)) return undefined;
  const typeByte =
    (BASE32.indexOf(udf[0] as string) << 3) | (BASE32.indexOf(udf[1] as string) >> 2);
  return fingerprintTypes.has(typeByte) ? udf : undefined;
}

/**
 * How to look an identifier up: exactly, or as a prefix when the query is shorter than 140 bits.
 */
export function identifierLookup(
  udf: string,
  field = 'Identifier',
): { exact: string } | { prefix: string } {
  // The common query (a Get by the Identifier the service returned) needs no parse, no memo.
  const exact = alreadyCanonical(udf);
  if (exact !== undefined) return { exact };
  return memo(lookupMemo, udf, () => lookupOf(udf, field));
}

function lookupOf(udf: string, field: string): { exact: string } | { prefix: string } {
  const parsed = parse(udf, field);
  const fingerprint = fingerprintTypes.has(udfBaseType(parsed.typeByte));
  const text = characters(fingerprint ? uncompressedUdf(udf) : udf);
  if (!fingerprint || text.length >= FINGERPRINT_CHARACTERS) {
    return { exact: canonicalIdentifier(udf, field) };
  }
  // A prefix must end on a group boundary to compare with the grouped stored form.
  const prefix = grouped(text);
  return { prefix: text.length % 4 === 0 ? `${prefix}-` : prefix };
}
