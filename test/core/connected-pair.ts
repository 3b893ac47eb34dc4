/** A two-device account for the flow tests: an administrator and a device it accepted. */
import { expect } from 'vitest';
import type { MeshDevice } from '../../electron/core/mesh-device';
import type { TestHomes } from './harness';

/** Create `account` on an administrator home and connect a second home to it by witness. */
export async function connectedPair(
  homes: TestHomes,
  address: string,
  names: { admin: string; device: string } = { admin: 'desktop', device: 'phone' },
): Promise<{ admin: MeshDevice; device: MeshDevice; adminUdf: string; deviceUdf: string }> {
  const admin = await homes.open(names.admin);
  const created = await admin.account.create({ address, deviceName: names.admin });
  const device = await homes.open(names.device);
  const request = await device.connect.request({ address, deviceName: names.device });
  await admin.connect.accept({ selector: request.witness });
  const outcome = await device.connect.complete({ waitSeconds: 10 });
  expect(outcome.state).toBe('connected');
  return { admin, device, adminUdf: created.deviceUdf, deviceUdf: request.deviceUdf };
}
