/**
 * The device behind the browser harness: a real `MeshDevice` on a temporary device home (its
 * secrets in a passphrase-protected file there, so the harness needs no keychain), held by the
 * desktop's own device host and answered through the desktop's own generic dispatcher - so the
 * page in the browser reaches every method of the IPC table, as the Electron window does.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDesktopApi, createDesktopDispatcher } from '../../../electron/app/desktop-api';
import { openDeviceHost, type DeviceHost } from '../../../electron/app/device-host';
import { superviseService, type ServiceSupervisor } from '../../../electron/app/service-supervisor';
import type { ServiceLocation } from '../../../shared/ipc/contract';
import type { MeshDispatcher } from '../../../shared/ipc/dispatcher';
import { harnessIdentity } from './renderer-harness';

export interface HarnessDevice {
  readonly dispatcher: MeshDispatcher;
  readonly host: DeviceHost;
  readonly service: ServiceSupervisor;
  /** The device home (a temporary folder unless given). */
  readonly home: string;
  /** Close the device and remove a temporary home. */
  close(): Promise<void>;
}

/**
 * The harness's device on the service at `location` (a configured URL; the embedded service is
 * not run by the harness: its status says so and account names need a full address).
 */
export async function startHarnessDevice(
  options: { readonly location: ServiceLocation; readonly home?: string } = {
    location: { kind: 'embedded' },
  },
): Promise<HarnessDevice> {
  const home = options.home ?? (await mkdtemp(join(tmpdir(), 'mesh-harness-home-')));
  const service: ServiceSupervisor =
    options.location.kind === 'configured'
      ? superviseService(options.location)
      : notRunHere(options.location);
  const host = openDeviceHost({
    home,
    keyStore: { kind: 'file', passphrase: randomBytes(18).toString('base64url') },
    service,
    warn: (message) => console.error(`harness: ${message}`),
  });
  const dispatcher = createDesktopDispatcher(
    host,
    createDesktopApi({ identity: harnessIdentity(), service }),
    (method, error) => console.error(`harness: internal error in ${method}: ${String(error)}`),
  );
  return {
    dispatcher,
    host,
    service,
    home,
    async close() {
      await host.close();
      await service.stop();
      if (options.home === undefined) await rm(home, { recursive: true, force: true });
    },
  };
}

/** The embedded service, as the harness reports it: it runs only inside the desktop program. */
function notRunHere(location: ServiceLocation): ServiceSupervisor {
  const status = {
    location,
    state: 'stopped' as const,
    url: null,
    accountService: null,
    message: 'The embedded Mesh service runs only inside the desktop program.',
  };
  return {
    status: () => status,
    settled: async () => status,
    onStatus: () => () => {},
    stop: async () => {},
  };
}
