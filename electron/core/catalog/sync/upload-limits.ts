/**
 * How much one Upload request may carry (draft-hallambaker-mesh-protocol-00 section 10.5 Hello
 * "ConstraintsUpdate"; docs/protocol.md Limits): the service's MaxRequestBytes from Hello, less
 * room for the envelope, and at most the 10,000 entries per container an UploadRequest allows.
 * Asked once per open device home, at each home's first sync; the last answer is kept in the local
 * store so that an entry too large for one Upload is refused when it is made, even offline
 * (docs/catalogs-and-sync.md "Entry size").
 */
import { z } from 'zod';
import type { LocalStore } from '../../store/local-store';
import type { DeviceContext } from '../../session/device-context';
import { HomeSlot } from '../../session/home-state';
import type { MeshServiceClient } from '../../protocol/mesh-service-client';

/** Entries one container update of an UploadRequest may hold (shared/protocol upload.ts). */
export const MAX_UPLOAD_ENTRIES = 10_000;
/** Room kept for the request envelope and the per-entry JSON around each payload. */
const ENVELOPE_BYTES = 4096;
const PER_ENTRY_BYTES = 16;

/** The budget of one Upload request. */
export interface UploadLimits {
  /** Most payload characters (ASCII: base64url and dots) in one request. */
  readonly maxPayloadBytes: number;
  readonly maxEntries: number;
}

/** The setting holding the last budget Hello gave. */
const LIMITS_SETTING = 'upload-limits';
const limitsSchema = z.object({
  maxPayloadBytes: z.int().positive(),
  maxEntries: z.int().positive(),
});

/** The budget this home last learned from its service, if any (for checks made offline). */
export function storedUploadLimits(store: LocalStore): UploadLimits | undefined {
  return store.getSetting(LIMITS_SETTING, limitsSchema);
}

/** Forget the budget (the service refused a request as too large): ask Hello again next time. */
export function forgetUploadLimits(context: DeviceContext): void {
  context.homeState.delete(LIMITS);
}

/** The budget Hello gave, in the home's state (asked once per open home). */
const LIMITS = new HomeSlot<Promise<UploadLimits>>('upload-limits');

/** The upload budget of this home's service (Hello, once per open home). */
export function uploadLimits(
  context: DeviceContext,
  client: MeshServiceClient,
  signal?: AbortSignal,
): Promise<UploadLimits> {
  let limits = context.homeState.get(LIMITS);
  if (limits === undefined) {
    limits = client.call('Hello', {}, signal === undefined ? {} : { signal }).then((hello) => {
      const budget = Math.floor(hello.Limits.MaxRequestBytes * 0.9) - ENVELOPE_BYTES;
      // Each entry costs its payload plus `{"Payload":""},`. An entry larger than this is refused
      // when it is made (CatalogReplica.change); one the service refuses anyway (its limit was
      // lowered since) is set aside by uploadPending and reported.
      const maxEntries = Math.max(1, Math.min(MAX_UPLOAD_ENTRIES, Math.floor(budget / 256)));
      const result: UploadLimits = {
        maxPayloadBytes: Math.max(1024, budget - maxEntries * PER_ENTRY_BYTES),
        maxEntries,
      };
      context.store.setSetting(LIMITS_SETTING, result);
      return result;
    });
    const asked = limits;
    asked.catch(() => {
      if (context.homeState.get(LIMITS) === asked) context.homeState.delete(LIMITS);
    });
    context.homeState.getOrCreate(LIMITS, () => asked);
  }
  return limits;
}
