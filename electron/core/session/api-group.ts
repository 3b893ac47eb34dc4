/**
 * What every group of MeshDevice's API (docs/core-api.md) is built on: its type comes from the
 * IPC table in shared/ipc (one request object, one plain reply), and it works on the open home
 * through a `DeviceCore` (the device context and the applications on it).
 */
import type { CoreNamespace, HandlerGroup, MeshMethods } from '../../../shared/ipc/contract';
import { MeshError } from '../../../shared/errors';
import type { MeshApplications } from '../mesh-applications';
import type { DeviceContext } from './device-context';

/** The group of methods MeshDevice exposes as `device[N]`. */
export type ApiGroup<N extends CoreNamespace> = HandlerGroup<MeshMethods, N>;

/** What the groups work on (one open home). */
export interface DeviceCore {
  readonly context: DeviceContext;
  readonly applications: MeshApplications;
  /** Completes `local` to `local@<default service>` (the desktop's embedded service, say). */
  address(text: string): Promise<string>;
}

/**
 * `name` alone becomes `name@<service>` when a default service is known; an address with `@`
 * or an `mcu://` URI is kept as it is.
 */
export async function completeAddress(
  text: string,
  defaultService: (() => Promise<string>) | undefined,
): Promise<string> {
  const trimmed = text.trim();
  if (trimmed.includes('@') || /^mcu:/i.test(trimmed)) return trimmed;
  if (defaultService === undefined) {
    throw new MeshError('INVALID_ARGUMENT', 'an account address is local@service', {
      field: 'address',
      reason: 'no-service',
    });
  }
  return `${trimmed}@${await defaultService()}`;
}

/** `value`, or null when undefined: replies say "none" with null (JSON keeps it). */
export function orNull<T>(value: T | undefined): T | null {
  return value === undefined ? null : value;
}
