/**
 * Signature verification (docs/architecture.md section 10): the service's verifiers at least 0.8 of
 * raw node:crypto Ed25519 verification, measured in the same run on the same inputs, alternating
 * rounds. Two verifiers: the compact JWS check of signed profiles (service/crypto/jws-verifier.ts
 * verifyJwsNode: split, header checks, kid against the key's UDF, signature) and the raw request
 * Authorization check (verifyEd25519). Raw = node:crypto verify with the KeyObject imported once.
 */
import { createPublicKey, verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { deriveKeyPair, generateSeed, KEY_LABELS } from '../../electron/core/crypto/keys';
import { signDetached, signJson } from '../../electron/core/crypto/sign';
import { verifyEd25519, verifyJwsNode } from '../../service/crypto/jws-verifier';
import { consume } from '../measure';
import { micros, ratio, table, verdict } from '../report';
import type { BenchSection } from '../section';

const TARGET = 0.8;
const ROUNDS = 3;
const ROUND_BUDGET_MS = 1200;
const BATCH = 200;

/**
 * Median ns per operation over batches of `op` for about `budgetMs` (async ops awaited one by one).
 */
async function timeAsync(op: () => unknown, budgetMs: number): Promise<number> {
  const perOp: number[] = [];
  for (let i = 0; i < BATCH; i++) consume(await op());
  const deadline = performance.now() + budgetMs;
  while (perOp.length < 5 || performance.now() < deadline) {
    const start = performance.now();
    for (let i = 0; i < BATCH; i++) consume(await op());
    perOp.push(((performance.now() - start) * 1e6) / BATCH);
  }
  perOp.sort((a, b) => a - b);
  return perOp[Math.floor(perOp.length / 2)] as number;
}

interface Pair {
  readonly what: string;
  readonly raw: () => unknown;
  readonly service: () => unknown;
}

/** Alternate raw and service rounds; each side judged by its fastest round median. */
async function compare(pair: Pair, progress: (line: string) => void) {
  const raw: number[] = [];
  const service: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? (['raw', 'service'] as const) : (['service', 'raw'] as const);
    for (const which of order) {
      const ns = await timeAsync(which === 'raw' ? pair.raw : pair.service, ROUND_BUDGET_MS);
      (which === 'raw' ? raw : service).push(ns);
      progress(`  ${pair.what}, ${which}, round ${round + 1}: ${micros(ns)} µs`);
    }
  }
  return { raw: Math.min(...raw), service: Math.min(...service) };
}

export const verifySection: BenchSection = {
  name: 'verify',
  title: 'Signature verification against raw node:crypto',
  async run(progress) {
    const seed = generateSeed();
    const online = deriveKeyPair(seed, KEY_LABELS.masterOnlineSign, 'Ed25519');
    const deviceAuth = deriveKeyPair(seed, KEY_LABELS.deviceAuthenticate, 'Ed25519');
    // A personal-profile-sized payload (about 1.5 KB of JSON).
    const payload = {
      Identifier: online.udf,
      Updated: new Date().toISOString(),
      Devices: Array.from({ length: 3 }, (_, i) => ({
        Identifier: `${online.udf}${i}`,
        SignedData: 'x'.repeat(300),
      })),
      Applications: [],
    };
    const compact = await signJson(payload, online, 'PersonalProfile');
    const dot = compact.lastIndexOf('.');
    const jwsInput = Buffer.from(compact.slice(0, dot), 'latin1');
    const jwsSignature = Buffer.from(compact.slice(dot + 1), 'base64url');
    const onlineKey: KeyObject = createPublicKey({ key: online.publicJwk, format: 'jwk' });
    const authInput = Buffer.from(
      'MMM-AUTH-1\nalice\nMDEV-ICEU-DF\n2026-11-23T00:00:00.000Z\nNONCE\n' + 'A'.repeat(43),
    );
    const authSignature = signDetached(authInput, deviceAuth);
    const authKey: KeyObject = createPublicKey({ key: deviceAuth.publicJwk, format: 'jwk' });
    if (!verify(null, jwsInput, onlineKey, jwsSignature))
      throw new Error('bench JWS does not verify');
    await verifyJwsNode(compact, online.publicJwk);
    if (!(await verifyEd25519(authInput, authSignature, deviceAuth.publicJwk))) {
      throw new Error('bench Authorization signature does not verify');
    }
    const pairs: Pair[] = [
      {
        what: `profile JWS (${compact.length.toLocaleString('en-US')} chars), verifyJwsNode`,
        raw: () => verify(null, jwsInput, onlineKey, jwsSignature),
        service: () => verifyJwsNode(compact, online.publicJwk),
      },
      {
        what: 'request Authorization signature, verifyEd25519',
        raw: () => verify(null, authInput, authKey, authSignature),
        service: () => verifyEd25519(authInput, authSignature, deviceAuth.publicJwk),
      },
    ];
    const rows: string[][] = [];
    for (const pair of pairs) {
      const { raw, service } = await compare(pair, progress);
      const achieved = raw / service;
      rows.push([
        pair.what,
        micros(raw),
        micros(service),
        Math.round(1e9 / service).toLocaleString('en-US'),
        ratio(achieved),
        `≥ ${TARGET}`,
        verdict(achieved, TARGET, 'at-least'),
      ]);
    }
    return [
      `One thread, operations awaited one by one, ${ROUNDS} rounds of about ${ROUND_BUDGET_MS / 1000} s ` +
        'alternating raw and service; each side judged by its fastest round (median of batches of ' +
        `${BATCH}). Raw = node:crypto verify on the same bytes with the KeyObject imported once.`,
      '',
      ...table(
        [
          'verification',
          'raw node:crypto µs',
          'service µs',
          'service per second',
          'ratio (raw time / service time)',
          'target',
          'verdict',
        ],
        rows,
      ),
    ];
  },
};
