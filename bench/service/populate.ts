/**
 * SEAM (to be filled by the service engineer or the lead once the service core exists):
 * store `count` signed profiles in the Mesh service under test, through its own protocol
 * (CreateAccount / Publish with profiles signed by electron/core), and return the Identifiers a
 * `{"GetRequest":{"Identifier":...}}` can fetch. The bench then measures Get by identifier over
 * them against a bare node:http server (DESIGN.md section 10: at least 0.5 of its throughput).
 *
 * Contract (CONTRACTS.md section 7): `service.endpoint` is http://127.0.0.1:PORT/.well-known/mmm/
 * of a fresh service with an empty data directory; send traffic only there. Return
 * `{ skipped: reason }` when it cannot be done; the bench prints "skipped: reason" and carries
 * on. The bench bounds the call with its own timeout.
 */

/** The service the profiles go into. */
export interface PopulateTarget {
  /** The protocol endpoint: http://127.0.0.1:PORT/.well-known/mmm/ */
  readonly endpoint: string;
}

export type PopulateOutcome =
  { readonly identifiers: readonly string[] } | { readonly skipped: string };

/** Publish `count` signed profiles into the service and return their Identifiers. */
export async function populateProfiles(
  _target: PopulateTarget,
  _count: number,
): Promise<PopulateOutcome> {
  return {
    skipped:
      'bench/service/populate.ts is not filled in yet (needs CreateAccount/Publish of signed profiles)',
  };
}
