/**
 * Device roles through `mesh` (docs/device-flows.md "Roles"), three device homes against the real
 * service as `npm run service`: A creates; B asks and A accepts it as administrator; C asks and B
 * accepts it; A lists C; B removes C and A sees it gone; A demotes B, and B can no longer approve.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from '../../electron/cli/run';
import { keychainInSession, keychainSkipReason } from '../core/keystore/keychain-session';
import { TestHomes } from '../core/harness';
import { mesh, meshRun, startServiceProcess, type ServiceProcess } from './cli-harness';

const witnessPattern = /^Witness: ([A-Z2-7]{4}(?:-[A-Z2-7]{4}){4})$/m;

interface Listed {
  name: string;
  udf: string;
  role: string;
  thisDevice: boolean;
}

describe.runIf(keychainInSession)(`mesh device roles${keychainSkipReason}`, () => {
  let service: ServiceProcess;
  const homes = new TestHomes();
  let a: string;
  let b: string;
  let c: string;
  let account: string;

  beforeAll(async () => {
    service = await startServiceProcess();
    [a, b, c] = await Promise.all([
      homes.directory('roles-a'),
      homes.directory('roles-b'),
      homes.directory('roles-c'),
    ]);
    account = service.address('carol');
  }, 60_000);
  afterAll(async () => {
    await homes.cleanup();
    await service.stop();
  });

  async function list(home: string): Promise<Listed[]> {
    const listed = await mesh(home, ['--json', 'device', 'list']);
    expect(listed.status).toBe(EXIT_OK);
    return (JSON.parse(listed.stdout) as { devices: Listed[] }).devices;
  }

  /** `home` asks to join; `approver` accepts it with `extra` arguments; the request completes. */
  async function join(home: string, name: string, approver: string, extra: string[] = []) {
    const request = await mesh(home, ['device', 'request', account, '--device-name', name]);
    expect(request.status).toBe(EXIT_OK);
    const witness = witnessPattern.exec(request.stdout)![1]!;
    const completing = meshRun(home, ['device', 'complete', '--wait', '30']);
    const accepted = await mesh(approver, ['device', 'accept', witness, ...extra]);
    expect(accepted.stderr).toBe('');
    expect(accepted.status).toBe(EXIT_OK);
    expect(await completing.status).toBe(EXIT_OK);
    return accepted.stdout;
  }

  it('A creates; B joins as administrator; C joins through B; removal and demotion', async () => {
    const created = await mesh(a, ['account', 'create', account, '--device-name', 'A']);
    expect(created.status).toBe(EXIT_OK);

    expect(await join(b, 'B', a, ['--role', 'administrator'])).toMatch(
      /^Accepted B \(.*\) as administrator$/m,
    );
    expect((await list(b)).map((d) => [d.name, d.role, d.thisDevice])).toEqual([
      ['A', 'administrator', false],
      ['B', 'administrator', true],
    ]);

    // B, an administrator that joined second, approves C (a member by default).
    expect(await join(c, 'C', b)).toMatch(/^Accepted C \(.*\) as member$/m);
    const seenByA = await list(a);
    expect(seenByA.map((d) => [d.name, d.role])).toEqual([
      ['A', 'administrator'],
      ['B', 'administrator'],
      ['C', 'member'],
    ]);
    const text = await mesh(a, ['device', 'list']);
    expect(text.stdout).toMatch(/^C {2}\S+ {2}member$/m);

    // C, a member, is not told of requests.
    const asMember = await mesh(c, ['device', 'pending']);
    expect(asMember.status).toBe(EXIT_FAILURE);

    // B removes C; A sees it gone.
    const cUdf = seenByA.find((d) => d.name === 'C')!.udf;
    const removed = await mesh(b, ['device', 'delete', cUdf]);
    expect(removed.stderr).toBe('');
    expect(removed.status).toBe(EXIT_OK);
    expect((await list(a)).map((d) => d.name)).toEqual(['A', 'B']);

    // B cannot demote A: that takes the master key, which only A holds.
    const aUdf = seenByA.find((d) => d.name === 'A')!.udf;
    const notB = await mesh(b, ['device', 'role', aUdf, 'member']);
    expect(notB.status).toBe(EXIT_FAILURE);
    expect(notB.stderr).toMatch(/master key/);

    // A demotes B: the online signing key is replaced, and B can no longer approve.
    const bUdf = seenByA.find((d) => d.name === 'B')!.udf;
    const demoted = await mesh(a, ['device', 'role', bUdf, 'member']);
    expect(demoted.stderr).toBe('');
    expect(demoted.stdout).toMatch(/B \(.*\) is now a member; the online signing key was replaced/);
    expect((await list(b)).map((d) => [d.name, d.role])).toEqual([
      ['A', 'administrator'],
      ['B', 'member'],
    ]);
    const d = await homes.directory('roles-d');
    const request = await mesh(d, ['device', 'request', account, '--device-name', 'D']);
    expect(request.status).toBe(EXIT_OK);
    const witness = witnessPattern.exec(request.stdout)![1]!;
    const refused = await mesh(b, ['device', 'accept', witness]);
    expect(refused.status).toBe(EXIT_FAILURE);
    expect(refused.stderr).toMatch(/not an administrator|does not administer/);
    expect((await mesh(b, ['device', 'pending'])).status).toBe(EXIT_FAILURE);

    // A still approves; and A alone cannot step down (the last administrator).
    const completing = meshRun(d, ['device', 'complete', '--wait', '30']);
    expect((await mesh(a, ['device', 'accept', witness])).status).toBe(EXIT_OK);
    expect(await completing.status).toBe(EXIT_OK);
    const last = await mesh(a, ['device', 'role', aUdf, 'member']);
    expect(last.status).toBe(EXIT_USAGE);
    expect(last.stderr).toMatch(/at least one administrator/);
  }, 120_000);
});
