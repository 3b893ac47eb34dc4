/**
 * `mesh account ...` and `mesh device ...` end to end: four device homes (real keychain) against
 * the real service running as `npm run service` in a child process.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from '../../electron/cli/run';
import { keychainInSession, keychainSkipReason } from '../core/keystore/keychain-session';
import { TestHomes } from '../core/harness';
import { mesh, meshRun, startServiceProcess, type ServiceProcess } from './cli-harness';

const udfPattern = '[A-Z2-7]{4}(?:-[A-Z2-7]{4}){6}';
const witnessPattern = /^Witness: ([A-Z2-7]{4}(?:-[A-Z2-7]{4}){4})$/m;

describe.runIf(keychainInSession)(`mesh account and mesh device${keychainSkipReason}`, () => {
  let service: ServiceProcess;
  const homes = new TestHomes();
  let desktop: string;
  let phone: string;
  let tablet: string;
  let account: string;

  beforeAll(async () => {
    service = await startServiceProcess();
    desktop = await homes.directory('cli-desktop');
    phone = await homes.directory('cli-phone');
    tablet = await homes.directory('cli-tablet');
    account = service.address('alice');
  }, 60_000);
  afterAll(async () => {
    await homes.cleanup();
    await service.stop();
  });

  it('creates the account and shows its status', async () => {
    const created = await mesh(desktop, [
      '--json',
      'account',
      'create',
      account,
      '--device-name',
      'desktop',
    ]);
    expect(created.stderr).toBe('');
    expect(created.status).toBe(EXIT_OK);
    const json = JSON.parse(created.stdout) as { profileUdf: string; deviceUdf: string };
    expect(json.profileUdf).toMatch(new RegExp(`^${udfPattern}$`));

    const status = await mesh(desktop, ['account', 'status']);
    expect(status.status).toBe(EXIT_OK);
    expect(status.stdout).toContain(`Account:        ${account}`);
    expect(status.stdout).toContain(`Master profile: ${json.profileUdf}`);
    expect(status.stdout).toContain(`This device:    ${json.deviceUdf} (desktop)`);
    expect(status.stdout).toContain('Role:           administrator');
    expect(status.stdout).toContain('Last sync:      never');
  });

  it('connects a device by witness: request, pending, accept, complete', async () => {
    const request = await mesh(phone, ['device', 'request', account, '--device-name', 'phone']);
    expect(request.status).toBe(EXIT_OK);
    const witness = witnessPattern.exec(request.stdout)?.[1];
    expect(witness).toBeDefined();

    const pending = await mesh(desktop, ['device', 'pending']);
    expect(pending.status).toBe(EXIT_OK);
    expect(pending.stdout).toMatch(new RegExp(`phone  ${udfPattern}  witness ${witness}`));

    const completing = meshRun(phone, ['device', 'complete', '--wait', '30']);
    const accept = await mesh(desktop, ['device', 'accept', witness!]);
    expect(accept.status).toBe(EXIT_OK);
    expect(accept.stdout).toMatch(/^Accepted phone \(/);
    expect(await completing.status).toBe(EXIT_OK);
    expect(completing.stdout()).toContain(`Connected to ${account}`);

    const list = await mesh(phone, ['--json', 'device', 'list']);
    const devices = (
      JSON.parse(list.stdout) as { devices: { name: string; thisDevice: boolean }[] }
    ).devices;
    expect(devices.map((d) => [d.name, d.thisDevice])).toEqual([
      ['desktop', false],
      ['phone', true],
    ]);
  });

  it('connects a device with a PIN through its mcu:// URI, while `account pin --wait` accepts it', async () => {
    const issuing = meshRun(desktop, ['account', 'pin', '--expires', '10m', '--wait', '30']);
    const uri = (await issuing.line(/^URI: +(mcu:\/\/\S+)$/m))[1]!;
    expect(issuing.stdout()).toMatch(/^PIN: +[A-Z2-7]{4}(-[A-Z2-7]{4}){4}$/m);
    const request = await mesh(tablet, [
      '--json',
      'device',
      'request',
      uri,
      '--device-name',
      'tablet',
    ]);
    expect(request.status).toBe(EXIT_OK);
    expect(JSON.parse(request.stdout)).toMatchObject({ pinVerified: true });
    expect(await issuing.status).toBe(EXIT_OK);
    expect(issuing.stdout()).toMatch(/Accepted tablet \(.*\) with the PIN/);
    const complete = await mesh(tablet, ['device', 'complete', '--wait', '10']);
    expect(complete.status).toBe(EXIT_OK);
  });

  it('refuses a used PIN and a wrong one', async () => {
    const issued = await mesh(desktop, ['--json', 'account', 'pin', '--expires', '90s']);
    const { pin } = JSON.parse(issued.stdout) as { pin: string };
    const stranger = await homes.directory('cli-stranger');
    const wrong = await mesh(stranger, ['device', 'request', account, '--pin', 'ABCD-EFGH-JKLM']);
    expect(wrong.status).toBe(EXIT_FAILURE);
    expect(wrong.stderr).toMatch(/^mesh device request: .*401/);
    const first = await mesh(stranger, ['device', 'request', account, '--pin', pin]);
    expect(first.status).toBe(EXIT_OK);
    const another = await homes.directory('cli-another');
    const reused = await mesh(another, ['device', 'request', account, '--pin', pin]);
    expect(reused.status).toBe(EXIT_FAILURE);
    // The stranger's request stays pending until someone answers it: refuse it by its ID.
    const pending = await mesh(desktop, ['--json', 'device', 'pending']);
    const entries = (
      JSON.parse(pending.stdout) as { pending: { id: string; pinVerified: boolean }[] }
    ).pending;
    expect(entries).toHaveLength(1);
    expect(entries[0]!.pinVerified).toBe(true);
    const reject = await mesh(desktop, ['device', 'reject', entries[0]!.id]);
    expect(reject.status).toBe(EXIT_OK);
    const refused = await mesh(stranger, ['--json', 'device', 'complete', '--wait', '5']);
    expect(refused.status).toBe(EXIT_FAILURE);
    expect(JSON.parse(refused.stderr)).toMatchObject({ error: { code: 'UNAUTHORIZED' } });
  });

  it('deletes a device, which the service then refuses', async () => {
    const list = await mesh(desktop, ['--json', 'device', 'list']);
    const tabletUdf = (
      JSON.parse(list.stdout) as { devices: { name: string; udf: string }[] }
    ).devices.find((d) => d.name === 'tablet')!.udf;
    // The tablet, a member, is not told of requests; it still syncs with the account.
    const member = await mesh(tablet, ['device', 'pending']);
    expect(member.status).toBe(EXIT_FAILURE);
    expect(member.stderr).toContain('not an administrator');
    const before = await mesh(tablet, ['account', 'sync']);
    expect(before.status).toBe(EXIT_OK);
    const removed = await mesh(desktop, ['device', 'delete', tabletUdf]);
    expect(removed.status).toBe(EXIT_OK);
    expect(removed.stdout).toBe(`Removed tablet (${tabletUdf})\n`);
    const after = await mesh(tablet, ['account', 'sync']);
    expect(after.status).toBe(EXIT_FAILURE);
    expect(after.stderr).toContain('no longer accepts this device');
    const status = await mesh(tablet, ['account', 'status']);
    expect(status.stdout).toContain('REMOVED from the account');
  });

  it('escrows the master seed and recovers on a fresh home; too few shares is a clear usage error', async () => {
    const escrow = await mesh(desktop, ['account', 'escrow', '--shares', '3', '--threshold', '2']);
    expect(escrow.status).toBe(EXIT_OK);
    const shares = escrow.stdout.trim().split('\n');
    expect(shares).toHaveLength(3);

    const lonely = await homes.directory('cli-lonely');
    const tooFew = await mesh(lonely, ['account', 'recover', account, shares[0]!]);
    expect(tooFew.status).toBe(EXIT_USAGE);
    expect(tooFew.stderr).toContain('2 are needed, 1 given');

    const fresh = await homes.directory('cli-recovered');
    const recovered = await mesh(fresh, ['account', 'recover', account, '-'], {
      stdin: `${shares[2]}\n${shares[0]}\n`,
    });
    expect(recovered.stderr).toBe('');
    expect(recovered.status).toBe(EXIT_OK);
    expect(recovered.stdout).toContain(`Recovered:      ${account}`);
    const status = await mesh(fresh, ['--json', 'account', 'status']);
    expect(JSON.parse(status.stdout)).toMatchObject({ state: 'connected', role: 'administrator' });
  });

  it('shows progress on a terminal, never in --json mode', async () => {
    const home = await homes.directory('cli-progress');
    const shown = await mesh(home, ['account', 'create', service.address('bob')], {
      stderrIsTTY: true,
    });
    expect(shown.status).toBe(EXIT_OK);
    expect(shown.stderr).toContain('Registering bob@');
    const quiet = await homes.directory('cli-quiet');
    const json = await mesh(quiet, ['--json', 'account', 'create', service.address('carl')], {
      stderrIsTTY: true,
    });
    expect(json.status).toBe(EXIT_OK);
    expect(json.stderr).toBe('');
  });

  it('answers usage errors with status 2 and one line', async () => {
    const home = await homes.directory('cli-usage');
    const cases: string[][] = [
      ['account', 'create'],
      ['account', 'create', 'not-an-address'],
      ['account', 'escrow', '--shares', '3'],
      ['account', 'escrow', '--shares', '3', '--threshold', '4'],
      ['account', 'pin', '--expires', '10 minutes'],
      ['--json', 'account', 'pin', '--wait', '5'],
      ['device', 'complete', '--wait', 'soon'],
      ['device', 'accept'],
      ['device', 'request', account, 'extra'],
    ];
    for (const argv of cases) {
      const result = await mesh(home, argv);
      expect(result.status, argv.join(' ')).toBe(EXIT_USAGE);
      expect(result.stderr.trim().split('\n'), argv.join(' ')).toHaveLength(1);
    }
    const notConnected = await mesh(home, ['--json', 'device', 'complete']);
    expect(notConnected.status).toBe(EXIT_FAILURE);
    expect(JSON.parse(notConnected.stderr)).toMatchObject({ error: { code: 'NOT_CONNECTED' } });
  });

  it('runs as the mesh program: bin.mjs in its own process reads the same home', async () => {
    const bin = join(import.meta.dirname, '..', '..', 'electron', 'cli', 'bin.mjs');
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [bin, '--home', desktop, '--json', 'account', 'status', '--offline'],
      { env: process.env },
    );
    expect(JSON.parse(stdout)).toMatchObject({
      state: 'connected',
      address: account,
      role: 'administrator',
      online: false,
    });
  });
});
