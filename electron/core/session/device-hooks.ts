/**
 * Hooks other parts of the core attach to the device flows (docs/architecture.md section 7): the
 * catalog layer wraps application keys for a device an administrator accepts, and rotates and
 * re-wraps them when one is removed. Unlike events, hooks are awaited, in the order they were
 * added, and a hook that fails fails the flow (with the profile already published). Hooks must be
 * idempotent: a retried flow runs them again for a change already published (then `previous`
 * and `profile` are the same version).
 */
import type { VerifiedDeviceProfile } from '../../../shared/profiles/device-profile';
import type { VerifiedPersonalProfile } from '../../../shared/profiles/personal-profile';
import type { DeviceContext } from './device-context';

/** A device joined or left the personal profile. */
export interface DeviceChange {
  /** The device added or removed. */
  readonly device: VerifiedDeviceProfile;
  /** The personal profile version the change was published in (verified, current). */
  readonly profile: VerifiedPersonalProfile;
  /** The version before the change. */
  readonly previous: VerifiedPersonalProfile;
  readonly signal?: AbortSignal | undefined;
}

/** A hook on a device change; it runs with the context of the administrator device. */
export type DeviceChangeHook = (context: DeviceContext, change: DeviceChange) => Promise<void>;

/** An ordered list of hooks of one kind. */
export class HookList<T> {
  readonly #hooks: Array<(context: DeviceContext, value: T) => Promise<void>> = [];

  /** Add a hook; returns the function that removes it. */
  add(hook: (context: DeviceContext, value: T) => Promise<void>): () => void {
    this.#hooks.push(hook);
    return () => {
      const index = this.#hooks.indexOf(hook);
      if (index >= 0) this.#hooks.splice(index, 1);
    };
  }

  /** Run every hook in order; the first failure stops the rest and is thrown. */
  async run(context: DeviceContext, value: T): Promise<void> {
    for (const hook of [...this.#hooks]) await hook(context, value);
  }

  get size(): number {
    return this.#hooks.length;
  }
}

/** The hooks of one device context. */
export interface DeviceHooks {
  /** After a personal profile adding a device is published, before the result is posted. */
  readonly deviceAdded: HookList<DeviceChange>;
  /** After a personal profile without a device is published. */
  readonly deviceRemoved: HookList<DeviceChange>;
}

/** Fresh, empty hook lists. */
export function createDeviceHooks(): DeviceHooks {
  return { deviceAdded: new HookList(), deviceRemoved: new HookList() };
}
