/**
 * Cancellation of a sync (docs/architecture.md section 7): between two requests, an
 * aborted signal stops the work with MeshError CANCELLED, as the protocol client does for a
 * request in flight, so callers see one error whichever side noticed.
 */
import { MeshError } from '../../../../shared/errors';

/** Throws CANCELLED when `signal` has aborted. */
export function checkNotCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new MeshError('CANCELLED', 'the sync was cancelled');
}
