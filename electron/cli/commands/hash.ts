/** `mesh hash ...`: fingerprints of data (docs/architecture.md section 4, UDF). */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { MeshError } from '../../../shared/errors';
import { UDF_DEFAULT_BITS, UDF_MIN_BITS, udfFromData } from '../../../shared/udf';
import { defineCommand, defineGroup, integerOption, usageError } from '../command';
import type { CliIo } from '../io';

const DEFAULT_CONTENT_TYPE = 'application/octet-stream';

/** The bytes of FILE, or of standard input for `-`. */
async function readInput(io: CliIo, file: string): Promise<Uint8Array> {
  if (file === '-') return io.stdin.read();
  try {
    return new Uint8Array(await readFile(resolve(io.cwd, file)));
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    if (reason === 'ENOENT') {
      throw new MeshError('NOT_FOUND', `cannot read ${file}: no such file`, { file });
    }
    throw usageError(`cannot read ${file} (${reason})`, { file });
  }
}

const udf = defineCommand({
  name: 'udf',
  summary: 'print the UDF of a file',
  description:
    'The fingerprint is SHA-2-512 (or SHA-3-512) over the content type and the digest of the\nbytes, in Base32 groups of four (docs/architecture.md section 4). FILE - reads standard input.',
  positionals: [{ name: 'FILE', description: 'the file to fingerprint, or - for standard input' }],
  options: {
    type: {
      type: 'string',
      value: 'CONTENT_TYPE',
      description: `the MIME type bound into the UDF (default ${DEFAULT_CONTENT_TYPE})`,
    },
    bits: {
      type: 'string',
      value: 'N',
      description: `precision, a multiple of 20 from ${UDF_MIN_BITS} to 520 (default ${UDF_DEFAULT_BITS})`,
    },
    sha3: { type: 'boolean', description: 'use SHA-3-512 instead of SHA-2-512' },
  },
  async run({ io, options, args }) {
    const bits = integerOption(options.bits, 'bits', {
      min: UDF_MIN_BITS,
      max: 520,
      step: 20,
      fallback: UDF_DEFAULT_BITS,
    });
    const contentType = options.type ?? DEFAULT_CONTENT_TYPE;
    if (contentType.trim() === '') throw usageError('--type must not be empty');
    const algorithm = options.sha3 === true ? 'sha3-512' : 'sha2-512';
    const data = await readInput(io, args[0]!);
    const fingerprint = udfFromData(data, contentType, { bits, algorithm });
    return { text: fingerprint, json: { udf: fingerprint, contentType, algorithm, bits } };
  },
});

/** The `hash` group. */
export const hashCommands = defineGroup({
  name: 'hash',
  summary: 'fingerprints (UDF) of files',
  commands: [udf],
});
