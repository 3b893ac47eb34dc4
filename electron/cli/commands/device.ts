/**
 * `mesh device ...`: connecting devices to the account and removing them (docs/architecture.md
 * section 7, "The CLI"; docs/architecture.md section 7). On the new device: request, then complete.
 * On an administrator device: pending, accept (as administrator or member) or reject, list (with
 * each device's role), role, delete. Roles: docs/device-flows.md "Roles".
 */
import { MeshError } from '../../../shared/errors';
import { defineCommand, defineGroup, integerOption } from '../command';
import { withDevice } from './open-device';

const request = defineCommand({
  name: 'request',
  summary: 'ask to connect this device to ACCOUNT; prints the witness to compare',
  description:
    'ACCOUNT is local@service, or the mcu://ACCOUNT/PIN URI an administrator device issued.\nCompare the witness with the one the administrator device shows (mesh device pending),\nthen run mesh device complete --wait 300 here.',
  positionals: [{ name: 'ACCOUNT', description: 'local@service, or an mcu:// connection URI' }],
  options: {
    'device-name': {
      type: 'string',
      value: 'NAME',
      description: "this device's name in the profile (default: the host name)",
    },
    pin: {
      type: 'string',
      value: 'PIN',
      description: 'a PIN from mesh account pin: approved without comparing witnesses',
    },
  },
  async run(context) {
    const view = await withDevice(context, (device) =>
      device.connect.request({
        address: context.args[0]!,
        deviceName: context.options['device-name'],
        pin: context.options.pin,
      }),
    );
    const next = view.pinVerified
      ? 'The PIN was accepted: the administrator device approves without comparison.'
      : 'Compare it with the witness on the administrator device (mesh device pending).';
    return {
      text: [
        `Witness: ${view.witness}`,
        `Account: ${view.address} (master profile ${view.profileUdf})`,
        `Device:  ${view.deviceUdf} (${view.deviceName})`,
        next,
        'Then run: mesh device complete --wait 300',
      ],
      json: view,
    };
  },
});

const pending = defineCommand({
  name: 'pending',
  summary: 'list the requests waiting for approval: ID, name, device UDF, witness',
  description:
    'Witnesses are recomputed on this device; compare each with the one the new device shows.\nRequests that prove a PIN this device issued show PIN instead of a witness.',
  async run(context) {
    const listing = await withDevice(context, (device) => device.connect.pending());
    const rows = listing.pending.map((entry) => ({
      id: entry.id,
      deviceName: entry.deviceName,
      deviceUdf: entry.deviceUdf,
      witness: entry.witness,
      pinVerified: entry.pinVerified,
      serviceWitnessAgrees: entry.serviceWitnessAgrees,
      received: entry.received,
      expires: entry.expires,
    }));
    const text =
      rows.length === 0
        ? ['No pending requests.']
        : rows.map((row) =>
            [
              row.id,
              row.deviceName,
              row.deviceUdf,
              row.pinVerified ? 'PIN' : `witness ${row.witness}`,
              row.serviceWitnessAgrees ? '' : '(WARNING: the service reported another witness)',
            ]
              .filter((part) => part !== '')
              .join('  '),
          );
    for (const bad of listing.unverifiable) {
      text.push(`ignored an unverifiable request from ${bad.deviceId}: ${bad.problem}`);
    }
    return { text, json: { pending: rows, unverifiable: listing.unverifiable } };
  },
});

const selectorArgument = [
  {
    name: 'ID|WITNESS',
    description: 'the request: its ID or device UDF (mesh device pending), or its witness',
  },
] as const;

const ROLES_EXPLAINED =
  "administrator: may approve, remove and change the roles of devices (it receives the\naccount's online signing key); member: uses the account, approves nothing.";

/** A role as typed: administrator or member (INVALID_ARGUMENT naming the field otherwise). */
function roleArgument(text: string): 'administrator' | 'member' {
  if (text === 'administrator' || text === 'member') return text;
  throw new MeshError('INVALID_ARGUMENT', `a role is administrator or member, not ${text}`, {
    field: 'role',
  });
}

const accept = defineCommand({
  name: 'accept',
  summary: 'accept a pending request: the device joins the account',
  description: ROLES_EXPLAINED,
  positionals: selectorArgument,
  options: {
    role: {
      type: 'string',
      value: 'administrator|member',
      description: "the new device's role (default member)",
    },
  },
  async run(context) {
    const role = roleArgument(
      typeof context.options.role === 'string' ? context.options.role : 'member',
    );
    const accepted = await withDevice(context, (device) =>
      device.connect.accept({ selector: context.args[0]!, role }),
    );
    return {
      text: `Accepted ${accepted.deviceName} (${accepted.deviceUdf}) as ${accepted.role}`,
      json: accepted,
    };
  },
});

const role = defineCommand({
  name: 'role',
  summary: 'make a device of the account an administrator or a member',
  description: `${ROLES_EXPLAINED}\nDemoting another administrator replaces the online signing key: run it on the device\nthat created or recovered the account (it holds the master key).`,
  positionals: [
    { name: 'DEVICE', description: 'the device UDF (mesh device list), or a prefix' },
    { name: 'ROLE', description: 'administrator or member' },
  ],
  async run(context) {
    const change = await withDevice(context, (device) =>
      device.devices.setRole({ udf: context.args[0]!, role: roleArgument(context.args[1]!) }),
    );
    return {
      text: change.changed
        ? `${change.name} (${change.udf}) is now ${change.role === 'administrator' ? 'an administrator' : 'a member'}${change.rotated ? '; the online signing key was replaced' : ''}`
        : `${change.name} (${change.udf}) was ${change.role === 'administrator' ? 'an administrator' : 'a member'} already`,
      json: change,
    };
  },
});

const reject = defineCommand({
  name: 'reject',
  summary: 'refuse a pending request',
  positionals: selectorArgument,
  async run(context) {
    const rejected = await withDevice(context, (device) =>
      device.connect.reject({ selector: context.args[0]! }),
    );
    return {
      text: `Refused ${rejected.deviceName} (${rejected.deviceUdf})`,
      json: rejected,
    };
  },
});

const complete = defineCommand({
  name: 'complete',
  summary: 'finish connecting this device once an administrator device has answered',
  description:
    'Exits 0 once connected; 1 when the request was refused, lapsed, or is still unanswered\nafter --wait seconds (run it again).',
  options: {
    wait: {
      type: 'string',
      value: 'SECONDS',
      description: 'wait up to this long for the answer (default 0: ask once)',
    },
  },
  async run(context) {
    const wait = integerOption(context.options.wait, 'wait', { min: 0, max: 86_400, fallback: 0 });
    const outcome = await withDevice(context, (device) =>
      device.connect.complete({ waitSeconds: wait }),
    );
    switch (outcome.state) {
      case 'connected':
        return {
          text: [
            `Connected to ${outcome.address}`,
            `Master profile: ${outcome.profileUdf}`,
            `This device:    ${outcome.deviceUdf}`,
          ],
          json: outcome,
        };
      case 'refused':
        throw new MeshError('UNAUTHORIZED', 'the administrator device refused this device', {
          state: 'refused',
        });
      case 'expired':
        throw new MeshError(
          'EXPIRED',
          'the request lapsed without an answer: ask again (mesh device request)',
          { state: 'expired' },
        );
      default:
        throw new MeshError(
          'TIMEOUT',
          `no answer yet (witness ${outcome.witness}): run mesh device complete --wait 300 again`,
          { state: 'requested' },
        );
    }
  },
});

const list = defineCommand({
  name: 'list',
  summary: 'list the devices of the account: name, UDF and role',
  options: {
    offline: { type: 'boolean', description: 'do not ask the service; use the cached profile' },
  },
  async run(context) {
    const devices = await withDevice(context, (device) =>
      device.devices.list({ offline: context.options.offline === true }),
    );
    return {
      text: devices.map(
        (entry) =>
          `${entry.name}  ${entry.udf}  ${entry.role}${entry.thisDevice ? '  (this device)' : ''}`,
      ),
      json: { devices },
    };
  },
});

const remove = defineCommand({
  name: 'delete',
  summary: 'remove a device from the account',
  description:
    'Publishes a personal profile without the device: from then on the service refuses its\nrequests, and application keys are rotated so it cannot read new entries.',
  positionals: [{ name: 'UDF', description: 'the device UDF (mesh device list), or a prefix' }],
  async run(context) {
    const removed = await withDevice(context, (device) =>
      device.devices.remove({ udf: context.args[0]! }),
    );
    return { text: `Removed ${removed.name} (${removed.udf})`, json: removed };
  },
});

export const deviceCommands = defineGroup({
  name: 'device',
  summary: "the account's devices: request, pending, accept, reject, complete, list, role, delete",
  commands: [request, pending, accept, reject, complete, list, role, remove],
});
