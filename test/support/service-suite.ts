/**
 * What the flows, sync and application suites set up the same way: one Mesh service for a
 * describe block, device homes wiped after each test, and the wipe of one home (its keychain
 * entries, then its directory).
 */
import { rm } from 'node:fs/promises';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { MeshDevice } from '../../electron/core/mesh-device';
import { deviceCoreOf } from '../../electron/core/session/device-internals';

/** Something the suite stops at the end. */
interface Closable {
  close(): Promise<void>;
}

/** Homes the suite wipes after each test. */
interface Wipeable {
  cleanup(): Promise<void>;
}

/**
 * Register the hooks of a suite on one service: `start` before all tests, `resetAfterEach` (when
 * given) and `homes.cleanup()` after each test, the service closed after all. Returns the service
 * as a stand-in that reads through to the started one, so tests use it as if it were assigned in
 * `beforeAll` (reading it before then throws).
 */
export function serviceForSuite<S extends Closable & object>(
  start: () => Promise<S>,
  homes: Wipeable,
  resetAfterEach?: (service: S) => void,
): S {
  let started: S | undefined;
  const current = (): S => {
    if (started === undefined) throw new Error('the suite service is read before beforeAll ran');
    return started;
  };
  beforeAll(async () => {
    started = await start();
  });
  afterEach(async () => {
    if (started !== undefined) resetAfterEach?.(started);
    await homes.cleanup();
  });
  afterAll(async () => {
    await started?.close();
  });
  // The getters of the started service must run on it, not on the stand-in.
  return new Proxy({} as S, { get: (_target, key) => Reflect.get(current(), key) });
}

/** Delete every keychain entry of the home in `directory`, then the directory itself. */
export async function wipeHome(directory: string): Promise<void> {
  try {
    // Reopen the home so its key store (namespaced by its home id) can be reached.
    const device = await MeshDevice.open({ home: directory, keyStore: { kind: 'keychain' } });
    const keyStore = deviceCoreOf(device).context.keyStore;
    for (const name of await keyStore.list()) await keyStore.delete(name);
    await device.close();
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}
