/**
 * `mesh password`, `mesh mail` and `mesh account sync` end to end (docs/architecture.md section 7,
 * "The CLI"): two device homes connected through the CLI itself, against a real service on
 * loopback, with the real keychain.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MeshDevice } from '../../electron/core/mesh-device';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from '../../electron/cli/run';
import { mesh, type CliResult } from '../cli/captured-io';
import { keychainInSession, keychainSkipReason } from '../core/keystore/keychain-session';
import { startService, type TestService } from '../core/catalog/sync/harness';
import { deviceCoreOf } from '../../electron/core/session/device-internals';

const SECRET = 'correct-Horse-battery-staple-4471';
const MAIL_SECRET = 'imap-Password-9c1e';

describe.runIf(keychainInSession)(`mesh password and mesh mail${keychainSkipReason}`, () => {
  let service: TestService;
  let work: string;
  let desktop: string;
  let phone: string;
  const run = (home: string, argv: string[], stdin?: string): Promise<CliResult> =>
    mesh(['--home', home, ...argv], { cwd: work, ...(stdin === undefined ? {} : { stdin }) });
  const json = async (home: string, argv: string[], stdin?: string): Promise<unknown> => {
    const result = await run(home, ['--json', ...argv], stdin);
    expect(result.status, `${argv.join(' ')}: ${result.stderr}`).toBe(EXIT_OK);
    return JSON.parse(result.stdout) as unknown;
  };

  beforeAll(async () => {
    service = await startService();
    work = await mkdtemp(join(tmpdir(), 'mesh-cli-apps-'));
    desktop = join(work, 'desktop');
    phone = join(work, 'phone');
    await json(desktop, ['account', 'create', service.address('gina'), '--device-name', 'desktop']);
    const request = (await json(phone, [
      'device',
      'request',
      service.address('gina'),
      '--device-name',
      'phone',
    ])) as { witness: string };
    await json(desktop, ['device', 'accept', request.witness]);
    const outcome = (await json(phone, ['device', 'complete', '--wait', '10'])) as {
      state: string;
    };
    expect(outcome.state).toBe('connected');
  }, 60_000);

  afterAll(async () => {
    for (const home of [desktop, phone]) {
      const device = await MeshDevice.open({ home, keyStore: { kind: 'keychain' } });
      for (const name of await deviceCoreOf(device).context.keyStore.list()) {
        await deviceCoreOf(device).context.keyStore.delete(name);
      }
      await device.close();
    }
    await service.close();
    await rm(work, { recursive: true, force: true });
  });

  it('adds a password from standard input on one device and gets it on the other', async () => {
    const added = await run(
      desktop,
      [
        'password',
        'add',
        'https://accounts.example.com/login',
        'gina',
        '--password',
        '-',
        '--totp',
        '-',
      ],
      `${SECRET}\n`,
    );
    expect(added.status).toBe(EXIT_USAGE); // only one of them can come from standard input
    const ok = await run(
      desktop,
      [
        'password',
        'add',
        'https://accounts.example.com/login',
        'gina',
        '--password',
        '-',
        '--totp',
        'JBSWY3DPEHPK3PXP',
      ],
      `${SECRET}\n`,
    );
    expect(ok.status, ok.stderr).toBe(EXIT_OK);
    expect(ok.stdout).toContain('Added accounts.example.com (gina)');
    expect(ok.stdout + ok.stderr).not.toContain(SECRET);

    const got = await run(phone, ['password', 'get', 'accounts.example.com']);
    expect(got.status, got.stderr).toBe(EXIT_OK);
    expect(got.stdout).toContain('Site:     accounts.example.com');
    expect(got.stdout).toContain('Username: gina');
    expect(got.stdout).toContain(`Password: ${SECRET}`);
    expect(got.stdout).toMatch(/TOTP: {5}\d{6} \(\d+ s left\)/);
    const asJson = (await json(phone, ['password', 'get', 'https://accounts.example.com/'])) as {
      password: string;
      totp: { code: string };
      sync: { state: string };
    };
    expect(asJson).toMatchObject({ password: SECRET, sync: { state: 'synced' } });

    // Adding the same login again changes it; the previous password stays in its history.
    const again = await run(
      phone,
      ['password', 'add', 'accounts.example.com', 'gina', '--password', '-'],
      'the-new-one\n',
    );
    expect(again.stdout).toContain('Updated accounts.example.com (gina)');
    const changed = (await json(desktop, ['password', 'get', 'accounts.example.com'])) as {
      password: string;
      totp: unknown;
    };
    expect(changed.password).toBe('the-new-one');
    expect(changed.totp).toBeDefined();

    const listed = await run(phone, ['password', 'list', 'accounts']);
    expect(listed.stdout).toContain('accounts.example.com\tgina');
    expect(listed.stdout).not.toContain(SECRET);
    const listJson = JSON.stringify(await json(phone, ['password', 'list']));
    expect(listJson).not.toContain(SECRET);
    expect(listJson).not.toContain('JBSWY3DPEHPK3PXP');
  });

  it('generates a password when asked and prints it once', async () => {
    const added = (await json(desktop, [
      'password',
      'add',
      'shop.example',
      'gina',
      '--generate',
      '--passphrase',
      '--words',
      '5',
    ])) as { generated: { password: string; entropyBits: number } };
    expect(added.generated.password.split('-')).toHaveLength(5);
    expect(added.generated.entropyBits).toBeGreaterThan(60);
    const got = (await json(phone, ['password', 'get', 'shop.example'])) as { password: string };
    expect(got.password).toBe(added.generated.password);

    const generated = await run(desktop, [
      'password',
      'generate',
      '--length',
      '32',
      '--classes',
      'lowercase,digits',
    ]);
    expect(generated.stdout.trim()).toMatch(/^[a-z0-9]{32}$/);
  });

  it('refuses bad usage with status 2 and never echoes a secret', async () => {
    const cases: string[][] = [
      ['password', 'add', 'x.example', 'u'],
      ['password', 'add', 'x.example', 'u', '--password', SECRET, '--generate'],
      ['password', 'add', 'x.example', 'u', '--generate', '--length', '2'],
      ['password', 'add', 'not a site', 'u', '--password', SECRET],
      ['password', 'generate', '--words', '4'],
      ['password', 'import', 'missing.csv'],
      ['password', 'import', 'x.csv', '--format', 'netscape'],
      ['mail', 'add', 'gina@example.com'],
      [
        'mail',
        'add',
        'gina@example.com',
        '--imap',
        'imap.example.com',
        '--smtp',
        'smtp.example.com',
        '--security',
        'tls',
      ],
    ];
    for (const argv of cases) {
      const result = await run(desktop, argv);
      expect(result.status, argv.join(' ')).toBe(EXIT_USAGE);
      expect(result.stderr).not.toContain(SECRET);
    }
    const missing = await run(phone, ['password', 'get', 'nowhere.example']);
    expect(missing.status).toBe(EXIT_FAILURE);
    expect(missing.stderr).toContain('no password entry matches this site');
  });

  it('imports a CSV export with its report, exports it again, and deletes an entry', async () => {
    const csv = [
      '\uFEFFname,url,username,password,note',
      'Forum,https://forum.example/,gina,"forum, pass ""quoted""",',
      ',,,,',
      'Forum,https://forum.example/,gina,"forum, pass ""quoted""",',
      'Wiki,https://wiki.example/,gina,wiki-pass,"line one',
      'line two"',
    ].join('\r\n');
    await writeFile(join(work, 'chrome.csv'), csv);
    const imported = (await json(desktop, ['password', 'import', 'chrome.csv'])) as {
      format: string;
      added: number;
      skipped: Array<{ row: number; line: number; reason: string }>;
      sync: { state: string; pending: number };
    };
    expect(imported.format).toBe('chrome');
    expect(imported.added).toBe(2);
    expect(imported.skipped.map((row) => row.reason)).toEqual(['empty row', 'duplicate of row 1']);
    expect(imported.sync).toMatchObject({ state: 'synced', pending: 0 });
    expect(JSON.stringify(imported)).not.toContain('wiki-pass');

    const got = (await json(phone, ['password', 'get', 'forum.example'])) as { password: string };
    expect(got.password).toBe('forum, pass "quoted"');

    const exported = await run(phone, ['password', 'export', 'out.csv']);
    expect(exported.status, exported.stderr).toBe(EXIT_OK);
    const text = await readFile(join(work, 'out.csv'), 'utf8');
    expect(text.split('\n')[0]).toBe(
      'folder,favorite,type,name,notes,fields,reprompt,login_uri,login_username,login_password,login_totp',
    );
    expect(text).toContain('wiki-pass');
    const again = await run(phone, ['password', 'export', 'out.csv']);
    expect(again.status).toBe(EXIT_USAGE);

    const deleted = await run(phone, ['password', 'delete', 'wiki.example']);
    expect(deleted.status, deleted.stderr).toBe(EXIT_OK);
    const gone = await run(desktop, ['password', 'get', 'wiki.example']);
    expect(gone.status).toBe(EXIT_FAILURE);
  });

  it('refuses a bad --totp at entry time; a bad TOTP stored by an import never hides the password', async () => {
    const refused = await run(desktop, [
      'password',
      'add',
      'totp.example',
      'gina',
      '--password',
      'totp-site-pass',
      '--totp',
      'NOTBASE32SECRET1189',
    ]);
    expect(refused.status).toBe(EXIT_USAGE);
    expect(refused.stderr).toContain('TOTP secret is not usable');
    expect(refused.stderr).not.toContain('NOTBASE32SECRET1189');
    expect((await run(desktop, ['password', 'get', 'totp.example'])).status).toBe(EXIT_FAILURE);

    await writeFile(
      join(work, 'bad-totp.csv'),
      'folder,favorite,type,name,notes,fields,login_uri,login_username,login_password,login_totp\n' +
        ',,login,Game,,,https://game.example/play,gamer,game-pass,steam://ABCD123\n',
    );
    const imported = await run(desktop, ['password', 'import', 'bad-totp.csv']);
    expect(imported.status, imported.stderr).toBe(EXIT_OK);
    const got = await run(desktop, ['password', 'get', 'game.example']);
    expect(got.status, got.stderr).toBe(EXIT_OK);
    expect(got.stdout).toContain('Password: game-pass');
    expect(got.stdout).toMatch(
      /TOTP: {5}none \(The TOTP secret is not usable: it is not base32\.\)/,
    );
    const asJson = (await json(desktop, ['password', 'get', 'game.example'])) as {
      password: string;
      totp: { error: string };
    };
    expect(asJson.password).toBe('game-pass');
    expect(asJson.totp.error).toContain('not base32');
  });

  it('works offline: a change is queued and uploaded by mesh account sync', async () => {
    service.setOffline(true);
    try {
      const added = await run(
        phone,
        ['password', 'add', 'offline.example', 'gina', '--password', '-'],
        'queued-secret\n',
      );
      expect(added.status, added.stderr).toBe(EXIT_OK);
      expect(added.stderr).toContain('will be uploaded at the next sync');
      expect(added.stderr).not.toContain('queued-secret');
      const local = await run(phone, ['password', 'get', 'offline.example']);
      expect(local.status).toBe(EXIT_OK);
      expect(local.stderr).toContain('showing what this device holds');
    } finally {
      service.setOffline(false);
    }
    const synced = (await json(phone, ['account', 'sync'])) as { uploaded: number };
    expect(synced.uploaded).toBe(1);
    const got = (await json(desktop, ['password', 'get', 'offline.example'])) as {
      password: string;
    };
    expect(got.password).toBe('queued-secret');
  });

  it('adds a mail account with servers and a password from standard input; get, export, import, delete', async () => {
    const added = await run(
      desktop,
      [
        'mail',
        'add',
        'gina@mail.example',
        '--imap',
        'imap.mail.example',
        '--smtp',
        'smtp.mail.example:587',
        '--security',
        'starttls',
        '--password',
        '-',
        '--display-name',
        'Gina',
      ],
      `${MAIL_SECRET}\n`,
    );
    expect(added.status, added.stderr).toBe(EXIT_OK);
    expect(added.stdout).toContain(
      'Inbound:  IMAP imap.mail.example:143 (starttls) as gina@mail.example',
    );
    expect(added.stdout + added.stderr).not.toContain(MAIL_SECRET);

    const shown = await run(phone, ['mail', 'get', 'GINA@mail.example']);
    expect(shown.status, shown.stderr).toBe(EXIT_OK);
    expect(shown.stdout).toContain('Outbound: SMTP smtp.mail.example:587 (starttls)');
    expect(shown.stdout).not.toContain(MAIL_SECRET);
    const withPasswords = await run(phone, [
      'mail',
      'get',
      'gina@mail.example',
      '--show-passwords',
    ]);
    expect(withPasswords.stdout).toContain(`password ${MAIL_SECRET}`);
    const listed = JSON.stringify(await json(phone, ['mail', 'list']));
    expect(listed).toContain('gina@mail.example');
    expect(listed).not.toContain(MAIL_SECRET);

    const xml = await run(phone, ['mail', 'export', 'gina@mail.example']);
    expect(xml.stdout).toContain('<incomingServer type="imap">');
    expect(xml.stdout).not.toContain(MAIL_SECRET);
    await run(phone, ['mail', 'delete', 'gina@mail.example']);
    expect((await run(desktop, ['mail', 'get', 'gina@mail.example'])).status).toBe(EXIT_FAILURE);

    await writeFile(join(work, 'config.xml'), xml.stdout);
    const imported = await run(desktop, ['mail', 'import', 'config.xml']);
    expect(imported.status, imported.stderr).toBe(EXIT_OK);
    expect(imported.stdout).toContain('Added gina@mail.example');
    const back = (await json(phone, ['mail', 'get', 'gina@mail.example'])) as {
      inbound: Array<{ host: string; port: number }>;
    };
    expect(back.inbound[0]).toMatchObject({ host: 'imap.mail.example', port: 143 });
  });
});
