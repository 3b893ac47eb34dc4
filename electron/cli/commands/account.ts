/**
 * `mesh account ...`: the account of this device home (docs/architecture.md section 7, "The CLI"):
 * create a master profile and register it, show the status, make escrow shares, recover from
 * them, and issue a PIN for connecting a device. `mesh account sync` is the catalog layer's: it
 * adds its command to the list at the end of this file.
 */
import { utf8Decode } from '../../../shared/encoding/utf8';
import { isMeshError } from '../../../shared/errors';
import type { AccountStatus } from '../../../shared/ipc/methods/account';
import {
  asUsageError,
  defineCommand,
  defineGroup,
  integerOption,
  usageError,
  type Command,
} from '../command';
import type { CliIo } from '../io';
import { syncCommand } from './account-sync';
import { durationOption, withDevice } from './open-device';
import { shareCountOptions, shareCounts } from './share-options';

const deviceNameOption = {
  type: 'string',
  value: 'NAME',
  description: "this device's name in the profile (default: the host name)",
} as const;

const create = defineCommand({
  name: 'create',
  summary: 'create a master profile and register ACCOUNT for it',
  description:
    'Generates the master and device seeds (kept in the key store), signs the master, device and\npersonal profiles and registers the account. This device becomes its administrator.\nMake escrow shares right after: mesh account escrow --shares 5 --threshold 3',
  positionals: [{ name: 'ACCOUNT', description: 'the account, local@service (alice@example.com)' }],
  options: { 'device-name': deviceNameOption },
  async run(context) {
    const created = await withDevice(context, (device) =>
      device.account.create({
        address: context.args[0]!,
        deviceName: context.options['device-name'],
      }),
    );
    return {
      text: [
        `Account:        ${created.address}`,
        `Master profile: ${created.profileUdf}`,
        `This device:    ${created.deviceUdf} (${created.deviceName})`,
        '',
        'Keep the master seed safe with escrow shares: mesh account escrow --shares 5 --threshold 3',
      ],
      json: created,
    };
  },
});

const status = defineCommand({
  name: 'status',
  summary: "show the account, master profile UDF, this device's UDF, service and last sync",
  options: {
    offline: {
      type: 'boolean',
      description: 'do not ask the service; show what this device holds',
    },
  },
  async run(context) {
    const state = await withDevice(context, (device) =>
      device.account.status({ refresh: context.options.offline !== true }),
    );
    return { text: statusLines(state), json: state };
  },
});

function statusLines(state: AccountStatus): string[] {
  if (state.state === 'unconnected') {
    return [
      'This device home is not connected to an account.',
      'Create one (mesh account create ACCOUNT), connect to one (mesh device request ACCOUNT)',
      'or recover one (mesh account recover ACCOUNT SHARE...).',
    ];
  }
  const lines = [
    `Account:        ${state.address ?? ''}`,
    `State:          ${describeState(state)}`,
    `Master profile: ${state.profileUdf ?? ''}`,
    `This device:    ${state.deviceUdf ?? ''} (${state.deviceName ?? ''})`,
    `Service:        ${state.service ?? ''}${state.online ? '' : ' (not asked)'}`,
  ];
  if (state.witness !== null) lines.push(`Witness:        ${state.witness}`);
  if (state.role !== null) lines.push(`Role:           ${state.role}`);
  if (state.devices !== null) lines.push(`Devices:        ${state.devices}`);
  if (state.state === 'connected' || state.state === 'removed') {
    lines.push(`Last sync:      ${state.lastSync ?? 'never'}`);
  }
  return lines;
}

function describeState(state: AccountStatus): string {
  switch (state.state) {
    case 'requested':
      return 'waiting for an administrator device (mesh device complete)';
    case 'removed':
      return 'REMOVED from the account: the current personal profile no longer lists this device';
    default:
      return state.state;
  }
}

const escrow = defineCommand({
  name: 'escrow',
  summary: 'split the master seed into N shares, any K of which recover the account',
  description:
    'Prints one share a line. Hand each share to a different keeper (or print and store them\napart): any K of them rebuild the master seed; fewer reveal nothing.',
  options: shareCountOptions,
  async run(context) {
    const { shares, threshold } = shareCounts(context.options);
    if (threshold > shares) throw usageError('--threshold must not exceed --shares');
    const made = await withDevice(context, (device) =>
      device.escrow.makeShares({ shares, threshold }),
    );
    return {
      text: [...made.shares],
      json: { threshold: made.threshold, profileUdf: made.profileUdf, shares: made.shares },
    };
  },
});

/** Arguments, with a lone `-` standing for the non-empty lines of standard input. */
async function sharesFrom(io: CliIo, args: readonly string[]): Promise<string[]> {
  if (args.length !== 1 || args[0] !== '-') return [...args];
  return utf8Decode(await io.stdin.read())
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
}

const recover = defineCommand({
  name: 'recover',
  summary: 'recover ACCOUNT onto this fresh device home from escrow shares',
  description:
    'Rebuilds the master seed from any K shares, checks it against the published master\nprofile and makes this device an administrator of the account. SHARE - reads the shares\nfrom standard input, one a line (out of shell history and the process list).',
  positionals: [
    { name: 'ACCOUNT', description: 'the account, local@service' },
    { name: 'SHARE', description: 'escrow shares (mesh account escrow), or -', variadic: true },
  ],
  options: { 'device-name': deviceNameOption },
  async run(context) {
    const [address, ...rest] = context.args;
    const shares = await sharesFrom(context.io, rest);
    if (shares.length === 0) throw usageError('give the escrow shares (or - to read them)');
    try {
      const recovered = await withDevice(context, (device) =>
        device.escrow.recover({
          address: address!,
          shares,
          deviceName: context.options['device-name'],
        }),
      );
      return {
        text: [
          `Recovered:      ${recovered.address}`,
          `Master profile: ${recovered.profileUdf}`,
          `This device:    ${recovered.deviceUdf} (${recovered.deviceName}), administrator`,
        ],
        json: recovered,
      };
    } catch (error) {
      throw isMeshError(error, 'INVALID_SHARE') ? asUsageError(error) : error;
    }
  },
});

const pin = defineCommand({
  name: 'pin',
  summary: 'issue a one-time PIN (and its mcu:// URI) for connecting a device',
  description:
    'The new device runs: mesh device request ACCOUNT --pin PIN (or gives the URI). A request\nproving the PIN is accepted without comparing witnesses: with --wait here, or with\nmesh device accept ID. The PIN is secret until it reaches the new device.',
  options: {
    expires: {
      type: 'string',
      value: 'DURATION',
      // The default is the core's DEFAULT_PIN_LIFETIME_MS (electron/core/connect/issue-pin.ts),
      // written out so that `mesh --help` does not load the device code (test/cli/account.test.ts).
      description: 'how long the PIN is valid, e.g. 90s, 10m, 2h (default 10m, at most 24h)',
    },
    wait: {
      type: 'string',
      value: 'SECONDS',
      description: 'wait this long for the device to ask, and accept it',
    },
  },
  async run(context) {
    const expiresInMs =
      context.options.expires === undefined
        ? undefined
        : durationOption(context.options.expires, 'expires');
    const wait =
      context.options.wait === undefined
        ? undefined
        : integerOption(context.options.wait, 'wait', { min: 1, max: 86_400 });
    if (wait !== undefined && context.json) {
      throw usageError(
        '--wait prints the PIN before it waits, so it cannot be combined with --json',
      );
    }
    return withDevice(context, async (device) => {
      const issued = await device.connect.issuePin(
        expiresInMs === undefined ? {} : { expiresInSeconds: Math.ceil(expiresInMs / 1000) },
      );
      const lines = [
        `PIN:     ${issued.pin}`,
        `URI:     ${issued.uri}`,
        `Expires: ${issued.expires}`,
      ];
      if (wait === undefined) return { text: lines, json: issued };
      // Show the PIN now: the user hands it over while this command waits.
      context.io.stdout(`${lines.join('\n')}\n`);
      const accepted = await device.connect.awaitPin({ pinId: issued.pinId, timeoutSeconds: wait });
      return {
        text: [`Accepted ${accepted.deviceName} (${accepted.deviceUdf}) with the PIN`],
        json: { ...issued, accepted },
      };
    });
  },
});

/** The account commands; `sync` (the catalog layer's) is added to this list. */
const accountCommandList: readonly Command[] = [create, status, syncCommand, escrow, recover, pin];

export const accountCommands = defineGroup({
  name: 'account',
  summary: 'the account of this device: create, status, escrow, recover, PIN',
  commands: accountCommandList,
});
