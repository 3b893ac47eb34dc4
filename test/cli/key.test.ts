import { describe, expect, it } from 'vitest';
import { UDF_TYPE, parseUdf, randomSecret } from '../../shared/udf';
import { describeInterop, interopVectors } from '../support/interop-data';
import { mesh } from './captured-io';

const nonceForm = /^N[A-Z2-7]{3}(-[A-Z2-7]{4}){6}\n$/;

describe('mesh key nonce and secret', () => {
  it('prints a fresh 128-bit nonce', async () => {
    const first = await mesh(['key', 'nonce']);
    const second = await mesh(['key', 'nonce']);
    expect(first.status).toBe(0);
    expect(first.stdout).toMatch(nonceForm);
    expect(second.stdout).not.toBe(first.stdout);
  });

  it('prints a nonce of --bits bits, and JSON with --json', async () => {
    const result = await mesh(['key', 'nonce', '--bits', '256', '--json']);
    const { nonce, bits } = JSON.parse(result.stdout) as { nonce: string; bits: number };
    expect(bits).toBe(256);
    expect(parseUdf(nonce, { expectType: UDF_TYPE.nonce }).bytes).toHaveLength(33);
  });

  it('prints a 256-bit secret by default, and one of --bits bits', async () => {
    const result = await mesh(['key', 'secret']);
    expect(parseUdf(result.stdout, { expectType: UDF_TYPE.secret }).bytes).toHaveLength(33);
    const json = await mesh(['--json', 'key', 'secret', '--bits', '128']);
    const { secret, bits } = JSON.parse(json.stdout) as { secret: string; bits: number };
    expect(bits).toBe(128);
    expect(parseUdf(secret, { expectType: UDF_TYPE.secret }).bytes).toHaveLength(17);
  });
});

describe('mesh key share and recover', () => {
  it('splits a secret into N shares one a line, and any K of them recover it', async () => {
    const secret = randomSecret();
    const split = await mesh(['key', 'share', secret, '--shares', '5', '--threshold', '3']);
    expect(split.status).toBe(0);
    const shares = split.stdout.trimEnd().split('\n');
    expect(shares).toHaveLength(5);
    for (const share of shares)
      expect(parseUdf(share.split('/')[0]!).typeByte).toBe(UDF_TYPE.share);
    const recovered = await mesh(['key', 'recover', shares[4]!, shares[0]!, shares[2]!]);
    expect(recovered).toEqual({ status: 0, stdout: `${secret}\n`, stderr: '' });
  });

  it('reads the secret and the shares from standard input for -', async () => {
    const secret = randomSecret(128);
    const split = await mesh(['key', 'share', '-', '--shares', '3', '--threshold', '2'], {
      stdin: `${secret}\n`,
    });
    const shares = split.stdout.trimEnd().split('\n');
    const recovered = await mesh(['key', 'recover', '-'], {
      stdin: `\n${shares[2]}\r\n${shares[1]}\n`,
    });
    expect(recovered.stdout).toBe(`${secret}\n`);
  });

  it('prints JSON with --json', async () => {
    const secret = randomSecret();
    const split = await mesh([
      '--json',
      'key',
      'share',
      secret,
      '--shares',
      '2',
      '--threshold',
      '2',
    ]);
    const body = JSON.parse(split.stdout) as { threshold: number; shares: string[] };
    expect(body.threshold).toBe(2);
    expect(body.shares).toHaveLength(2);
    const recovered = await mesh(['key', 'recover', ...body.shares, '--json']);
    expect(JSON.parse(recovered.stdout)).toEqual({ secret });
  });

  // Negative cases as data: status 2, one line naming the problem.
  const secret = randomSecret();
  const cases: { description: string; argv: () => Promise<string[]>; says: RegExp }[] = [
    {
      description: 'a nonce given as SECRET',
      argv: async () => [
        'key',
        'share',
        (await mesh(['key', 'nonce'])).stdout.trim(),
        '--shares',
        '3',
        '--threshold',
        '2',
      ],
      says: /SECRET is not a secret UDF: expected a secret \(type 200\), got a nonce \(type 104\)/,
    },
    {
      description: 'more than 15 shares',
      argv: async () => ['key', 'share', secret, '--shares', '16', '--threshold', '2'],
      says: /--shares must be a whole number from 2 to 15/,
    },
    {
      description: 'a threshold above the shares',
      argv: async () => ['key', 'share', secret, '--shares', '3', '--threshold', '4'],
      says: /need 2 <= threshold <= shares <= 15, got 4 of 3/,
    },
    {
      description: 'a share with a typo',
      argv: async () => {
        const shares = (
          await mesh(['key', 'share', secret, '--shares', '3', '--threshold', '2'])
        ).stdout
          .trimEnd()
          .split('\n');
        const typo = shares[1]!.replace(/-(.)/, (_, c: string) => `-${c === 'Q' ? 'R' : 'Q'}`);
        return ['key', 'recover', shares[0]!, typo];
      },
      says: /share 2 of 2 does not check: a character is mistyped/,
    },
    {
      description: 'too few shares',
      argv: async () => {
        const shares = (
          await mesh(['key', 'share', secret, '--shares', '3', '--threshold', '3'])
        ).stdout
          .trimEnd()
          .split('\n');
        return ['key', 'recover', shares[0]!, shares[1]!];
      },
      says: /3 are needed, 2 given/,
    },
    {
      description: 'shares of two different splits (the split identifier in the check word)',
      argv: async () => {
        const split = async () =>
          (await mesh(['key', 'share', secret, '--shares', '3', '--threshold', '2'])).stdout
            .trimEnd()
            .split('\n');
        const one = await split();
        let two = await split();
        // 20-bit split identifiers: draw again in the rare case they collide.
        while (two[0]!.split('/')[1]!.slice(0, 4) === one[0]!.split('/')[1]!.slice(0, 4)) {
          two = await split();
        }
        return ['key', 'recover', one[0]!, two[1]!];
      },
      says: /share 2 comes from another split than share 1/,
    },
    { description: 'no shares', argv: async () => ['key', 'recover'], says: /SHARE is missing/ },
  ];
  it.each(cases)('rejects $description', async ({ argv, says }) => {
    const result = await mesh(await argv());
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(says);
  });

  it('keeps the error code of a bad share in --json output', async () => {
    const result = await mesh(['--json', 'key', 'recover', 'SAAA-AAAA']);
    expect(result.status).toBe(2);
    expect((JSON.parse(result.stderr) as { error: { code: string } }).error.code).toBe(
      'INVALID_SHARE',
    );
  });
});

describeInterop('mesh key recover reads the reference tools’ shares (vectors/vectors.json)', () => {
  // The recovered secret is printed as a secret UDF (type 200) of the vector's bytes.
  const secretOf = (stdout: string) =>
    Buffer.from(
      parseUdf(stdout.trim(), { expectType: UDF_TYPE.secret }).bytes.subarray(1),
    ).toString('hex');
  it('recovers the key of the reference example and the draft §4.5.2 master secret', async () => {
    const vectors = interopVectors().shamir;
    const reference = vectors.find((vector) => vector.id === 'ref-UDFShare-0-2')!;
    const fromArguments = await mesh(['key', 'recover', ...reference.shares]);
    expect(fromArguments.status).toBe(0);
    expect(secretOf(fromArguments.stdout)).toBe(reference.secret);
    const draft = vectors.find((vector) => vector.id === 'draft13-4.5.2-alice-5-3-1')!;
    const fromInput = await mesh(['key', 'recover', '-'], {
      stdin: `${draft.shares.join('\n')}\n`,
    });
    expect(fromInput.status).toBe(0);
    expect(secretOf(fromInput.stdout)).toBe(draft.secret);
  });
});
