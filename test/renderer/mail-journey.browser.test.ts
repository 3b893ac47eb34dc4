// Adding a mail account by discovery (docs/architecture.md section 12 "Mail settings"): in Debian's
// Chromium through the browser harness on the real core, a real Mesh service on loopback and the
// real OS keychain. The provider's side is real servers on loopback
// (test/core/mail/loopback-mail-servers.ts): an HTTP server with the autoconfig documents and a DNS
// server with RFC 6186 SRV records, which the UI device's core is pointed at
// (MeshDeviceOptions.mailDiscovery); nothing goes to the internet. The person types an address,
// sees what was found (servers, and the plain-text warning where there is one), saves it, and the
// account is read on the other device, a `mesh` CLI home connected to the same account by PIN.
import { readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT_OK } from '../../electron/cli/run';
import { createFetchDocument } from '../../electron/core/mail/fetch-document';
import { createSrvResolver } from '../../electron/core/mail/srv-resolver';
import { startDnsServer, startHttpServer } from '../core/mail/loopback-mail-servers';
import { mesh } from '../cli-flows/cli-harness';
import { startService, type TestService } from '../core/harness';
import { wipeHome } from '../support/service-suite';
import {
  buildRendererForJourneys,
  chromiumSkipReason,
  launchChromium,
  navButton,
  noChromium,
  screenHeading,
  VIEWPORT,
} from './support/journey-browser';
import { checkScreen, logScreensChecked } from './support/screen-checks';
import { startUiDevice, type UiDevice } from './support/ui-device';

const fixture = (name: string) =>
  readFileSync(join(import.meta.dirname, '..', 'fixtures', 'autoconfig', name), 'utf8');
const xml = (body: string) => (_request: unknown, response: ServerResponse) =>
  response.writeHead(200, { 'content-type': 'application/xml' }).end(body);

/** An account as `mesh --json mail list` prints it. */
interface CliAccount {
  emailAddress: string;
  inbound: { protocol?: string; security?: string; host: string | null; port: number | null }[];
  outbound: { protocol?: string; security?: string; host: string | null; port: number | null }[];
}

describe.skipIf(noChromium)(`adding a mail account by discovery${chromiumSkipReason}`, () => {
  let renderer: Awaited<ReturnType<typeof buildRendererForJourneys>>;
  let service: TestService;
  let browser: Browser;
  let http: Awaited<ReturnType<typeof startHttpServer>>;
  let dns: Awaited<ReturnType<typeof startDnsServer>>;
  let ui: UiDevice;
  let page: Page;
  let other: string;

  /** The other device's accounts, synced until `address` is there (each round one exchange). */
  const accountsOnOther = async (address: string): Promise<CliAccount[]> => {
    let accounts: CliAccount[] = [];
    for (let round = 0; round < 20 && !accounts.some((a) => a.emailAddress === address); round++) {
      const listed = await mesh(other, ['--json', 'mail', 'list']);
      expect(listed.status, listed.stderr).toBe(EXIT_OK);
      accounts = (JSON.parse(listed.stdout) as { accounts: CliAccount[] }).accounts;
    }
    return accounts;
  };

  beforeAll(async () => {
    [service, renderer, browser, http, dns] = await Promise.all([
      startService(),
      buildRendererForJourneys(),
      launchChromium(),
      startHttpServer({
        // example.com: its autoconfig host serves the provider's document.
        '/autoconfig.example.com/mail/config-v1.1.xml': xml(fixture('example.com.xml')),
        // plain.example: only its .well-known path answers, with servers without TLS.
        '/plain.example/.well-known/autoconfig/mail/config-v1.1.xml': xml(
          fixture('plain.example.xml'),
        ),
      }),
      // srv.example: no autoconfig document anywhere (404), SRV records only (RFC 6186).
      startDnsServer({
        '_imaps._tcp.srv.example': [
          { priority: 0, weight: 0, port: 993, target: 'imap.srv.example' },
        ],
        '_submissions._tcp.srv.example': [
          { priority: 0, weight: 0, port: 465, target: 'smtp.srv.example' },
        ],
      }),
    ]);
    const fetchDocument = createFetchDocument({ timeoutMs: 2_000, maxBytes: 64 * 1024 });
    ui = await startUiDevice({
      label: 'mail',
      serviceUrl: service.url,
      rendererDir: renderer.dir,
      mailDiscovery: {
        fetchDocument: (url) => fetchDocument(http.loopbackUrl(url)),
        resolveSrv: createSrvResolver({ servers: [dns.server], timeoutMs: 500, tries: 1 }),
      },
    });
    page = await browser.newPage({ viewport: VIEWPORT });

    // The account, made on the UI's device, and a CLI device connected to it by a PIN that the
    // UI device's pending watcher accepts (connect-pin-journey.browser.test.ts shows both in the UI).
    const address = service.address(`mail${Date.now().toString(36)}`);
    const device = await ui.host.device();
    await device.account.create({ address, deviceName: 'Desktop' });
    const { pin } = await device.connect.issuePin({ expiresInSeconds: 600 });
    other = await mkdtemp(join(tmpdir(), 'mesh-mail-journey-cli-'));
    const request = await mesh(other, ['device', 'request', address, '--pin', pin]);
    expect(request.status, request.stderr).toBe(EXIT_OK);
    const complete = await mesh(other, ['device', 'complete', '--wait', '30']);
    expect(complete.status, complete.stderr).toBe(EXIT_OK);

    await page.goto(ui.harness.url);
    await screenHeading(page, 'Passwords').waitFor();
    await navButton(page, 'Mail').click();
    await page.getByText('No mail accounts yet.').waitFor();
  }, 120_000);

  afterAll(async () => {
    await page?.close();
    await browser?.close();
    await ui?.close();
    if (other) await wipeHome(other);
    await service?.close();
    await http?.close();
    await dns?.close();
    renderer?.remove();
    logScreensChecked();
  });

  /** Type the address and ask for its servers; the discovery panel once it shows. */
  const discover = async (address: string) => {
    await page.getByLabel('Email address').fill(address);
    await page.getByRole('button', { name: 'Find the servers' }).click();
    const found = page.getByTestId('discovery');
    await found.waitFor();
    return found;
  };

  const addAndSee = async (address: string) => {
    await page.getByRole('button', { name: 'Add this account' }).click();
    const account = page.getByTestId('mail-account').filter({ hasText: address });
    await account.waitFor();
    return account;
  };

  it("finds a provider's autoconfig document, shows its servers and keeps them on both devices", async () => {
    const started = performance.now();
    const found = await discover('alice@example.com');
    expect(await found.textContent()).toContain('Found Example Mail & Co. settings by autoconfig');
    await found.getByText('imap.example.com:993, encrypted (TLS)').first().waitFor();
    await found.getByText('smtp.example.com:465, encrypted (TLS)').first().waitFor();
    // Its Exchange server is left out, said in a note; nothing is unencrypted, so no alert.
    await found.getByText(/"exchange" is not supported/).waitFor();
    expect(await found.getByRole('alert').count()).toBe(0);
    expect(http.seen).toContain(
      '/autoconfig.example.com/mail/config-v1.1.xml?emailaddress=alice%40example.com',
    );
    await checkScreen(page, 'mail-discovered');

    const account = await addAndSee('alice@example.com');
    await account.getByText('imap.example.com:993, encrypted (TLS)').first().waitFor();
    await checkScreen(page, 'mail-accounts');

    const onOther = await accountsOnOther('alice@example.com');
    const alice = onOther.find((entry) => entry.emailAddress === 'alice@example.com');
    expect(alice?.inbound[0]).toMatchObject({
      protocol: 'imap',
      host: 'imap.example.com',
      port: 993,
      security: 'ssl',
    });
    expect(alice?.outbound[0]).toMatchObject({
      protocol: 'smtp',
      host: 'smtp.example.com',
      port: 465,
    });
    console.log(`mail by autoconfig: ${(performance.now() - started).toFixed(0)} ms`);
  }, 60_000);

  it('warns before keeping servers that would send the password without encryption', async () => {
    const started = performance.now();
    const found = await discover('bob@plain.example');
    expect(await found.textContent()).toContain('settings by well-known');
    const warning = found.getByRole('alert');
    await warning.waitFor();
    const said = await warning.textContent();
    expect(said).toContain('some of these servers are not encrypted');
    expect(said).toContain('mail.plain.example:110: your mail password would be sent unencrypted.');
    expect(said).toContain('mail.plain.example:143: anyone on the network could read your mail.');
    await found
      .getByText(/mail\.plain\.example:\d+, NOT encrypted/)
      .first()
      .waitFor();
    await checkScreen(page, 'mail-plain-warning');

    // Back: nothing kept; then kept knowingly.
    await page.getByRole('button', { name: 'Back' }).click();
    await page.getByRole('button', { name: 'Find the servers' }).click();
    await found.waitFor();
    await addAndSee('bob@plain.example');
    const bob = (await accountsOnOther('bob@plain.example')).find(
      (entry) => entry.emailAddress === 'bob@plain.example',
    );
    expect(bob?.inbound[0]).toMatchObject({
      host: 'mail.plain.example',
      security: 'plain',
    });
    console.log(`mail by well-known, plain text: ${(performance.now() - started).toFixed(0)} ms`);
  }, 60_000);

  it('falls back to SRV records where the provider has no autoconfig document', async () => {
    const started = performance.now();
    const found = await discover('carol@srv.example');
    expect(await found.textContent()).toContain('settings by srv');
    await found.getByText('imaps imap.srv.example:993, encrypted (TLS)').waitFor();
    expect(dns.questions).toContain('SRV _imaps._tcp.srv.example');
    await addAndSee('carol@srv.example');
    const carol = (await accountsOnOther('carol@srv.example')).find(
      (entry) => entry.emailAddress === 'carol@srv.example',
    );
    expect(carol?.inbound[0]).toMatchObject({
      host: 'imap.srv.example',
      port: 993,
      security: 'ssl',
    });
    console.log(`mail by SRV: ${(performance.now() - started).toFixed(0)} ms`);
  }, 60_000);

  it('says so when nothing is found, and keeps nothing', async () => {
    const found = await discover('dave@nothing.example');
    await found.getByText('No settings were found').waitFor();
    await page.getByRole('button', { name: 'Back' }).click();
    expect(await page.getByTestId('mail-account').count()).toBe(3);
  }, 60_000);

  it('shows an account the other device added, once the program syncs', async () => {
    const started = performance.now();
    const added = await mesh(other, [
      'mail',
      'add',
      'erin@example.com',
      '--imap',
      'imap.example.com:993',
      '--smtp',
      'smtp.example.com:465',
    ]);
    expect(added.status, added.stderr).toBe(EXIT_OK);
    // The program syncs when its window gets the focus; the Mail screen reads what arrived.
    await page.evaluate(() => window.dispatchEvent(new Event('focus')));
    const erin = page.getByTestId('mail-account').filter({ hasText: 'erin@example.com' });
    await erin.getByText('imap.example.com:993, encrypted (TLS)').waitFor({ timeout: 20_000 });
    console.log(`mail from the other device: ${(performance.now() - started).toFixed(0)} ms`);
  }, 60_000);
});
