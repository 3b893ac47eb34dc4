/**
 * Opening the device home for an `account` or `device` command (docs/architecture.md section 7,
 * "The CLI"): the home from
 * --home / MESH_HOME / the platform folder, the key store from MESH_KEYSTORE and MESH_PASSPHRASE,
 * and progress lines on standard error when it is a terminal and --json is not given.
 */
import type { MeshDevice } from '../../core/mesh-device';
import { usageError, type CommandContext } from '../command';

/** Open the device home, run `work`, close the home (always). */
export async function withDevice<T>(
  context: CommandContext,
  work: (device: MeshDevice) => Promise<T>,
): Promise<T> {
  // Imported here, not above: only the commands that open a home load the core (README.md).
  const { MeshDevice, keyStoreChoiceFromEnvironment } = await import('../../core/mesh-device');
  const device = await MeshDevice.open({
    home: context.homeDirectory(),
    keyStore: keyStoreChoiceFromEnvironment(context.io.env),
  });
  const showProgress = !context.json && context.io.stderrIsTTY === true;
  let shown = false;
  const stop = showProgress
    ? device.on('progress', (event) => {
        const count =
          event.done !== undefined && event.total !== undefined
            ? ` [${event.done}/${event.total}]`
            : '';
        context.io.stderr(`\r\u001b[K${event.step}${count}`);
        shown = true;
      })
    : () => {};
  try {
    return await work(device);
  } finally {
    stop();
    if (shown) context.io.stderr('\r\u001b[K');
    await device.close();
  }
}

const durationUnits: Readonly<Record<string, number>> = { s: 1_000, m: 60_000, h: 3_600_000 };

/**
 * A duration like `90s`, `10m` or `2h` (a bare number is seconds), in ms; usage error otherwise.
 */
export function durationOption(text: string, name: string): number {
  const match = /^([0-9]{1,7})([smh]?)$/.exec(text.trim());
  if (!match) {
    throw usageError(
      `--${name} must be a duration like 90s, 10m or 2h, not ${JSON.stringify(text)}`,
      {
        option: name,
      },
    );
  }
  return Number(match[1]) * (durationUnits[match[2] || 's'] ?? 1_000);
}
