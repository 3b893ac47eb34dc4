/**
 * The inside of an open MeshDevice - its device context and its applications (`DeviceCore`) -
 * for the core's own tests and benchmarks only, where they must set up or read what the public
 * API never shows (a key store emptied after a test, a store's rows, a hook on a flow). The
 * desktop and the CLI hold a MeshDevice and use its feature groups: lint forbids electron/app,
 * electron/cli and renderer to import this file, device-context.ts, the key store and the local
 * store (eslint.config.js, test/lint/key-store-rooms.test.ts).
 */
import type { MeshDevice } from '../mesh-device';
import type { DeviceCore } from './api-group';

let reach: ((device: MeshDevice) => DeviceCore) | undefined;

/** MeshDevice hands over the way in, once, when its module loads (its static block). */
export function exposeDeviceCore(read: (device: MeshDevice) => DeviceCore): void {
  reach ??= read;
}

/** The context and applications of an open device (tests and benchmarks of the core only). */
export function deviceCoreOf(device: MeshDevice): DeviceCore {
  if (reach === undefined) throw new TypeError('MeshDevice is not loaded');
  return reach(device);
}
