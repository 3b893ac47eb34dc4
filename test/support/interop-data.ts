/**
 * The interoperability data set beside the repository (`../shared/interop-data/`, described by
 * its SOURCES.md): password-manager exports, the Thunderbird ISP database and the Mesh drafts'
 * vectors, none written by this project. Tests read the files in place, never copied.
 *
 * The folder is found from this file's location, so any checkout beside `shared/` finds it. When
 * it is missing, `describeInterop` skips with the reason in its name, except under `CI=true` (or
 * `MESH_TEST_STRICT=1`), where it fails.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe } from 'vitest';

/** Absolute path of `../shared/interop-data` relative to the repository root. */
export const INTEROP_DATA = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  '..',
  'shared',
  'interop-data',
);

const strict = process.env.CI === 'true' || process.env.MESH_TEST_STRICT === '1';

/** True when the data set is there. */
export const interopDataPresent = existsSync(join(INTEROP_DATA, 'SOURCES.md'));

/** `describe` over the data set: skipped (named so) when it is missing, failing under CI. */
export function describeInterop(name: string, body: () => void): void {
  if (interopDataPresent) {
    describe(name, body);
    return;
  }
  if (strict) {
    describe(name, () => {
      throw new Error(
        `the interoperability data set is missing: expected ${INTEROP_DATA} (../shared/interop-data beside the repository)`,
      );
    });
    return;
  }
  describe.skip(`${name} (skipped: ${INTEROP_DATA} is missing)`, body);
}

/** The bytes of one file of the data set, e.g. `interopFile('csv', 'passimport-chrome.csv')`. */
export function interopFile(...path: string[]): Buffer {
  return readFileSync(join(INTEROP_DATA, ...path));
}

/** The names of the files in one folder of the data set, sorted (empty when it is missing). */
export function interopFiles(folder: string): string[] {
  const path = join(INTEROP_DATA, folder);
  return existsSync(path) ? readdirSync(path).sort() : [];
}

/** vectors/vectors.json, typed as far as the tests read it. */
export interface InteropVectors {
  udf: {
    id: string;
    data: string;
    type: string;
    alg: 'sha2' | 'sha3';
    bits: number;
    udf: string;
  }[];
  shamir: { id: string; shares: string[]; secret: string; prime: string }[];
  totp: {
    seeds: Record<'SHA1' | 'SHA256' | 'SHA512', string>;
    table: [number, 'SHA1' | 'SHA256' | 'SHA512', string][];
  };
}

/** The parsed vectors file (an empty set when the data set is missing). */
export function interopVectors(): InteropVectors {
  if (!interopDataPresent) {
    return {
      udf: [],
      shamir: [],
      totp: { seeds: { SHA1: '', SHA256: '', SHA512: '' }, table: [] },
    };
  }
  return JSON.parse(interopFile('vectors', 'vectors.json').toString('utf8')) as InteropVectors;
}
