import { MeshError } from '../../../shared/errors';

/**
 * Uniform random choices from a cryptographic source, without modulo bias: a 32-bit value is
 * accepted only below the largest multiple of `n` that fits, and drawn again otherwise
 * (rejection sampling), so every index in [0, n) is exactly equally likely.
 */

/** Fills the array with independent uniform 32-bit values, like crypto.getRandomValues. */
export type RandomSource = (values: Uint32Array) => void;

/** The platform CSPRNG (Web Crypto getRandomValues; Node and Electron both have it). */
export const cryptoRandomSource: RandomSource = (values) => {
  crypto.getRandomValues(values);
};

const TWO_32 = 2 ** 32;

/** Draws uniform indices from a RandomSource, fetching random values in batches. */
export class RandomIndex {
  readonly #source: RandomSource;
  readonly #pool = new Uint32Array(64);
  #next = this.#pool.length;

  constructor(source: RandomSource = cryptoRandomSource) {
    this.#source = source;
  }

  #draw(): number {
    if (this.#next >= this.#pool.length) {
      this.#source(this.#pool);
      this.#next = 0;
    }
    const value = this.#pool[this.#next] ?? 0;
    this.#pool[this.#next] = 0; // do not leave used randomness behind
    this.#next += 1;
    return value;
  }

  /** A uniform integer in [0, n), for 1 <= n <= 2^32. */
  below(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > TWO_32) {
      throw new MeshError('INVALID_ARGUMENT', 'A random choice needs 1 to 2^32 options.', {
        field: 'n',
      });
    }
    const limit = TWO_32 - (TWO_32 % n);
    for (;;) {
      const value = this.#draw();
      if (value < limit) return value % n;
    }
  }

  /** A uniformly chosen element of a non-empty list. */
  pick<T>(items: readonly T[]): T {
    const item = items[this.below(items.length)];
    if (item === undefined) {
      throw new MeshError('INVALID_ARGUMENT', 'Cannot choose from an empty list.', {
        field: 'items',
      });
    }
    return item;
  }

  /** Drops any buffered randomness. */
  wipe(): void {
    this.#pool.fill(0);
    this.#next = this.#pool.length;
  }
}
