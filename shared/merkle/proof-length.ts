/**
 * How many nodes a correct proof has, for error details and for callers that want to bound a
 * proof before hashing it. Derived from the shape of RFC 9162 2.1.3.1 and 2.1.4.1 (the same
 * decomposition as transparency-dev/merkle's decompInclProof). BigInt because tree sizes may
 * exceed the 32 bits JavaScript's bit operators work on.
 */

function bitLength(value: bigint): number {
  let bits = 0;
  for (let v = value; v > 0n; v >>= 1n) bits++;
  return bits;
}

function popCount(value: bigint): number {
  let count = 0;
  for (let v = value; v > 0n; v >>= 1n) count += Number(v & 1n);
  return count;
}

/** Nodes below the split from the rest of the tree (inner) and on the right border (border). */
function decompose(index: bigint, size: bigint): { inner: number; border: number } {
  const inner = bitLength(index ^ (size - 1n));
  return { inner, border: popCount(index >> BigInt(inner)) };
}

/** Length of PATH(index, D[size]) (RFC 9162 2.1.3.1), for 0 <= index < size. */
export function inclusionProofLength(index: number, size: number): number {
  const { inner, border } = decompose(BigInt(index), BigInt(size));
  return inner + border;
}

/** Length of PROOF(first, D[second]) (RFC 9162 2.1.4.1); 0 when first is 0 or equals second. */
export function consistencyProofLength(first: number, second: number): number {
  if (first === 0 || first === second) return 0;
  const { inner, border } = decompose(BigInt(first - 1), BigInt(second));
  let shift = 0;
  for (let m = BigInt(first); (m & 1n) === 0n; m >>= 1n) shift++;
  const firstIsPowerOfTwo = BigInt(first) === 1n << BigInt(shift);
  return (firstIsPowerOfTwo ? 0 : 1) + inner - shift + border;
}
