/**
 * A device driven through the UI: a real device home (secrets in the real OS keychain) held by
 * the desktop's own device host, the desktop program's own namespaces (settings, session,
 * clipboard; the clipboard and power monitor of the recording fake), and the renderer served by
 * the browser harness with the desktop's own generic dispatcher, on one Mesh service.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDesktopApi, createDesktopDispatcher } from '../../../electron/app/desktop-api';
import { createDesktopApp, type DesktopApp } from '../../../electron/app/desktop-app';
import {
  openDeviceHost,
  type DeviceHost,
  type DeviceHostOptions,
} from '../../../electron/app/device-host';
import { superviseService } from '../../../electron/app/service-supervisor';
import { createFakeElectron, type FakeElectron } from '../../app/fake-electron';
import { wipeHome } from '../../support/service-suite';
import {
  harnessIdentity,
  startRendererHarness,
  type RendererHarness,
} from '../../e2e/harness/renderer-harness';

export interface UiDevice {
  readonly home: string;
  readonly host: DeviceHost;
  readonly desktop: DesktopApp;
  readonly harness: RendererHarness;
  readonly electron: FakeElectron;
  close(): Promise<void>;
}

export async function startUiDevice(options: {
  readonly label: string;
  readonly serviceUrl: string;
  readonly rendererDir: string;
  /** Where mail discovery looks (loopback servers); default: the internet. */
  readonly mailDiscovery?: DeviceHostOptions['mailDiscovery'];
}): Promise<UiDevice> {
  const home = await mkdtemp(join(tmpdir(), `mesh-ui-${options.label}-`));
  const userData = await mkdtemp(join(tmpdir(), `mesh-ui-${options.label}-data-`));
  const service = superviseService({ kind: 'configured', url: options.serviceUrl });
  const host = openDeviceHost({
    home,
    keyStore: { kind: 'keychain' },
    service,
    pendingIntervalMs: 200,
    ...(options.mailDiscovery !== undefined && { mailDiscovery: options.mailDiscovery }),
    warn: () => {},
  });
  const electron = createFakeElectron();
  let harness: RendererHarness | null = null;
  const desktop = await createDesktopApp({
    userData,
    clipboard: electron.module.clipboard,
    powerMonitor: electron.module.powerMonitor,
    checkKeychain: async () => {
      await host.device();
    },
    onLockChange: (state) => harness?.emit({ event: 'locked', payload: state }),
    serviceUrl: async () => service.status().url,
  });
  const dispatcher = createDesktopDispatcher(
    host,
    createDesktopApi({ identity: harnessIdentity(), service, desktop }),
    (method, error) => console.error(`ui device: internal error in ${method}: ${String(error)}`),
  );
  harness = await startRendererHarness({ rendererDir: options.rendererDir, dispatcher });
  const stop = host.onEvent((message) => harness?.emit(message));
  return {
    home,
    host,
    desktop,
    harness,
    electron,
    async close() {
      stop();
      desktop.close();
      await harness?.close();
      await host.close();
      await service.stop();
      await wipeHome(home);
      await rm(userData, { recursive: true, force: true });
    },
  };
}
