/**
 * `device.trust` (docs/core-api.md): what this device verified of its service's log - the pinned
 * service key, the last verified checkpoint and when - and the last verification that failed
 * (recorded by MeshDevice when a call fails with a log or proof error; the query behind
 * `trust-warning`).
 */
import { z } from 'zod';
import type { MeshError } from '../../../shared/errors';
import { parseAccountAddress } from './account-address';
import { serviceLog } from '../profile/fetch-personal-profile';
import type { LocalStore } from '../store/local-store';
import type { ApiGroup, DeviceCore } from '../session/api-group';

/**
 * The error codes that say the service's log or a profile did not verify, or that the service
 * offered a new device another master profile than its connection link or PIN names.
 */
export const TRUST_CODES = [
  'LOG_INCONSISTENT',
  'PROOF_INVALID',
  'SIGNATURE_INVALID',
  'UNTRUSTED_PROFILE',
  'PROFILE_MISMATCH',
] as const;
export type TrustCode = (typeof TRUST_CODES)[number];

const WARNING_SETTING = 'trust-warning';
const warningSchema = z.strictObject({
  code: z.enum(TRUST_CODES),
  reason: z.string().nullable(),
  service: z.string().nullable(),
  at: z.string(),
});
export type TrustWarning = z.infer<typeof warningSchema>;

/** Record a failed verification (and return what was recorded). */
export function recordTrustWarning(
  store: LocalStore,
  error: MeshError & { code: TrustCode },
  at: string,
): TrustWarning {
  const reason = error.details.reason;
  const service = error.details.service;
  const warning: TrustWarning = {
    code: error.code,
    reason: typeof reason === 'string' ? reason : null,
    service: typeof service === 'string' ? service : null,
    at,
  };
  store.setSetting(WARNING_SETTING, warning);
  return warning;
}

export function trustApi(core: DeviceCore): ApiGroup<'trust'> {
  const { context } = core;
  return {
    async status() {
      const warning = context.store.getSetting(WARNING_SETTING, warningSchema) ?? null;
      const binding = context.account();
      if (binding === undefined) {
        return { service: null, serviceKeyUdf: null, checkpoint: null, warning };
      }
      const address = parseAccountAddress(binding.address);
      const log = serviceLog(context, address);
      const checkpoint = log.checkpoint;
      return {
        service: address.text.slice(address.text.lastIndexOf('@') + 1),
        serviceKeyUdf: log.serviceKey?.UDF ?? null,
        checkpoint:
          checkpoint === undefined
            ? null
            : { treeSize: checkpoint.TreeSize, verifiedAt: log.verifiedAt ?? null },
        warning,
      };
    },
  };
}
