/**
 * `mesh key ...`: fresh nonces and secrets as UDFs, and k-of-n escrow shares of a secret
 * (docs/architecture.md section 4, "UDF" and "Shares").
 */
import { utf8Decode } from '../../../shared/encoding/utf8';
import {
  UDF_DATA_MAX_BYTES,
  UDF_DATA_MIN_BYTES,
  UDF_TYPE,
  parseUdf,
  randomNonce,
  randomSecret,
  udfFromTypedBytes,
} from '../../../shared/udf';
import { isMeshError } from '../../../shared/errors';
import { asUsageError, defineCommand, defineGroup, integerOption, usageError } from '../command';
import type { CliIo } from '../io';
import { shareCountOptions, shareCounts } from './share-options';

const bitsOption = (fallback: number) =>
  ({
    type: 'string',
    value: 'N',
    description: `bits of randomness, a multiple of 8 from ${UDF_DATA_MIN_BYTES * 8} to ${UDF_DATA_MAX_BYTES * 8} (default ${fallback})`,
  }) as const;

function bits(text: string | undefined, fallback: number): number {
  return integerOption(text, 'bits', {
    min: UDF_DATA_MIN_BYTES * 8,
    max: UDF_DATA_MAX_BYTES * 8,
    step: 8,
    fallback,
  });
}

/** Arguments, with a lone `-` standing for the non-empty lines of standard input. */
async function argumentsOrStdin(io: CliIo, args: readonly string[]): Promise<string[]> {
  if (args.length !== 1 || args[0] !== '-') return [...args];
  return utf8Decode(await io.stdin.read())
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
}

const nonce = defineCommand({
  name: 'nonce',
  summary: 'print a fresh random nonce (UDF type 104)',
  options: { bits: bitsOption(128) },
  run({ options }) {
    const size = bits(options.bits, 128);
    const value = randomNonce(size);
    return { text: value, json: { nonce: value, bits: size } };
  },
});

const secret = defineCommand({
  name: 'secret',
  summary: 'print a fresh random secret (UDF type 200)',
  options: { bits: bitsOption(256) },
  run({ options }) {
    const size = bits(options.bits, 256);
    const value = randomSecret(size);
    return { text: value, json: { secret: value, bits: size } };
  },
});

const share = defineCommand({
  name: 'share',
  summary: 'split a secret into N shares, any K of which recover it',
  description:
    'Prints one share a line: the share (UDF type 144, draft-hallambaker-mesh-udf-13 4.5.2),\n"/" and its check word, which names a typo and ties the shares of one split together.\nSECRET - reads the secret from standard input, which keeps it out of the shell history\nand the process list.',
  positionals: [{ name: 'SECRET', description: 'a secret UDF (mesh key secret), or -' }],
  options: shareCountOptions,
  async run({ io, options, args }) {
    const { shares, threshold } = shareCounts(options);
    const [text] = await argumentsOrStdin(io, args);
    let value: Uint8Array;
    try {
      value = parseUdf(text ?? '', { expectType: UDF_TYPE.secret }).bytes.slice(1);
    } catch (error) {
      if (!isMeshError(error, 'INVALID_UDF')) throw error;
      throw usageError(`SECRET is not a secret UDF: ${error.message.replace(/^UDF: /, '')}`);
    }
    try {
      const { splitSecret } = await import('../../core/crypto/escrow-shares');
      const pieces = await splitSecret(value, { shares, threshold });
      return { text: pieces, json: { threshold, shares: pieces } };
    } catch (error) {
      throw asUsageError(error);
    } finally {
      value.fill(0);
    }
  },
});

const recover = defineCommand({
  name: 'recover',
  summary: 'print the secret that K shares were split from',
  description:
    'SHARE - reads the shares from standard input, one a line. A share with its check word\n(SHARE/CHECK) is checked first: a typo is named, shares of two splits are refused. Shares\nof the reference tools (no check word) and of earlier versions are read too.',
  positionals: [
    { name: 'SHARE', description: 'a share UDF (mesh key share), or -', variadic: true },
  ],
  async run({ io, args }) {
    let value: Uint8Array;
    try {
      const { recoverSecret } = await import('../../core/crypto/escrow-shares');
      value = await recoverSecret(await argumentsOrStdin(io, args));
    } catch (error) {
      throw asUsageError(error);
    }
    const recovered = udfFromTypedBytes(UDF_TYPE.secret, value);
    value.fill(0);
    return { text: recovered, json: { secret: recovered } };
  },
});

/** The `key` group. */
export const keyCommands = defineGroup({
  name: 'key',
  summary: 'random nonces and secrets, escrow shares',
  commands: [nonce, secret, share, recover],
});
