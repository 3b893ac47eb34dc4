/**
 * The password application of one device (docs/architecture.md section 12 "Passwords";
 * draft-hallambaker-mesh-reference-03 section 5.7; docs/architecture.md section 3): the entries of
 * the account's password catalog, read from the catalog itself (the one in-memory view, found by
 * site and by words through its PasswordIndex), and every change made as one record of the
 * catalog - stored and queued for upload in one commit, so it reaches every device with the next
 * sync, also when made offline.
 */
import type { PasswordEntry, PasswordEntryContent } from '../../../shared/apps/password-entry';
import { MeshError } from '../../../shared/errors';
import { contentOf, laterThan, supersedeEntry } from '../catalog/entry-model';
import { exportPasswordsCsv, type PasswordCsvExportFormat } from './csv-export';
import { planPasswordImport, type PasswordImportReport } from './csv-import';
import type { PasswordCsvFormat } from './csv-formats';
import { newPasswordEntry, revisePasswordEntry, type PasswordEntryInput } from './password-catalog';
import { PasswordIndex, type SiteMatch } from './password-index';
import {
  addNeverAsk,
  mayAskToStore,
  readPasswordSettings,
  removeNeverAsk,
  setAutoGenerate,
  type PasswordSettings,
} from './password-settings';
import { totpCode, type TotpCode } from './totp';
import type { CatalogReplica } from '../catalog/catalog-replica';
import { SETTINGS_ID } from '../catalog/catalog-record';
import { catalogsOf } from '../catalog/catalog-set';
import type { DeviceContext } from '../session/device-context';
import { deviceChangeContext } from '../catalog/change-context';
import { writableCatalog, type ChangeOptions } from '../catalog/writable-catalog';

/** Deleted entries kept for undelete(), the newest first out of memory last. */
const UNDO_KEPT = 100;

/** The password application of an open device home (module comment). */
export class PasswordApplication {
  readonly #context: DeviceContext;
  readonly #replica: CatalogReplica<PasswordEntry>;
  readonly #index: PasswordIndex;
  /**
   * The entries this device deleted since the application was opened, as they were, by
   * Identifier (the newest UNDO_KEPT): what undelete() brings back. Memory only: the deletion on
   * the service is final until it is undone.
   */
  readonly #deleted = new Map<string, PasswordEntry>();

  private constructor(context: DeviceContext, replica: CatalogReplica<PasswordEntry>) {
    this.#context = context;
    this.#replica = replica;
    this.#index = new PasswordIndex(replica);
  }

  /** The password application of the home `context` has open (loaded from its local store). */
  static async open(context: DeviceContext): Promise<PasswordApplication> {
    return new PasswordApplication(context, await catalogsOf(context).replica('password'));
  }

  /** Number of entries. */
  get size(): number {
    return this.#index.size;
  }

  /** Entries with edits not uploaded yet. */
  get pending(): number {
    return this.#replica.pendingCount;
  }

  /**
   * Every entry, in list order; with `query`, those whose title, sites, user name or notes hold
   * every word.
   */
  list(query = ''): readonly PasswordEntry[] {
    return query.trim() === '' ? this.#index.list() : this.#index.search(query);
  }

  /** The entry with this Identifier. */
  entry(identifier: string): PasswordEntry | undefined {
    return this.#replica.entry(identifier);
  }

  /**
   * Entries for a site or URL, the best match first (draft-hallambaker-mesh-reference-03 section
   * 5.7.3 wildcards).
   */
  find(siteOrUrl: string, username?: string): SiteMatch[] {
    const matches = this.#index.findBySite(siteOrUrl);
    return username === undefined
      ? matches
      : matches.filter((match) => match.entry.Username === username);
  }

  /** The TOTP code of an entry that has a TOTP secret (RFC 6238), at `at` (default: now). */
  totp(entry: PasswordEntry, at = new Date(this.#context.now())): TotpCode | undefined {
    return entry.TOTP === undefined ? undefined : totpCode(entry.TOTP, at);
  }

  /** Add an entry (sites may be URLs, hosts or `*.` patterns). */
  async add(input: PasswordEntryInput, options: ChangeOptions = {}): Promise<PasswordEntry> {
    const replica = await writableCatalog(this.#context, 'password', options.signal);
    const entry = newPasswordEntry(input, deviceChangeContext(this.#context));
    replica.change([{ Entry: entry }]);
    return replica.entry(entry.Identifier) ?? entry;
  }

  /**
   * Add an entry, or - when one entry already lists the first site (as normalised) with this
   * user name - make `input` its new version (the previous one stays in History). What `mesh
   * password add` does, so adding a login twice changes it instead of duplicating it.
   */
  async put(
    input: PasswordEntryInput,
    options: ChangeOptions = {},
  ): Promise<{ entry: PasswordEntry; replaced: boolean }> {
    const [site] = input.Sites;
    const existing =
      site === undefined ? [] : this.#index.findExact(site, input.Username ?? undefined);
    const target = existing.length === 1 ? existing[0] : undefined;
    if (target === undefined || input.Username === undefined) {
      return { entry: await this.add(input, options), replaced: false };
    }
    const sites = [...target.Sites, ...input.Sites];
    const entry = await this.update(target.Identifier, { ...input, Sites: sites }, options);
    return { entry, replaced: true };
  }

  /**
   * Change an entry: the given fields replace the current ones (an empty string clears one),
   * and the previous version goes to History. NOT_FOUND when there is no such entry.
   */
  async update(
    identifier: string,
    changes: Partial<PasswordEntryInput>,
    options: ChangeOptions = {},
  ): Promise<PasswordEntry> {
    const current = this.#require(identifier);
    const replica = await writableCatalog(this.#context, 'password', options.signal);
    const revised = revisePasswordEntry(current, changes, deviceChangeContext(this.#context));
    if (revised === current || revised.Updated === current.Updated) return current;
    replica.change([{ Entry: revised }]);
    return replica.entry(identifier) ?? revised;
  }

  /**
   * Delete the entries listing exactly `site` (as normalised), or that one of them whose user
   * name is `username`. NOT_FOUND when none does; INVALID_ARGUMENT when several do and no user
   * name says which. Returns the deleted entries.
   */
  async deleteBySite(
    site: string,
    username?: string,
    options: ChangeOptions = {},
  ): Promise<PasswordEntry[]> {
    const found = this.#index.findExact(site, username);
    if (found.length === 0) {
      throw new MeshError(
        'NOT_FOUND',
        username === undefined
          ? 'no password entry lists this site'
          : 'no password entry lists this site with this user name',
        { field: 'site' },
      );
    }
    if (found.length > 1 && username === undefined) {
      throw new MeshError('INVALID_ARGUMENT', `${found.length} entries list this site`, {
        field: 'username',
        matches: found.length,
      });
    }
    await this.delete(
      found.map((entry) => entry.Identifier),
      options,
    );
    return found;
  }

  /** Delete entries by Identifier. NOT_FOUND when one is not there. */
  async delete(identifiers: readonly string[], options: ChangeOptions = {}): Promise<void> {
    const entries = identifiers.map((identifier) => this.#require(identifier));
    const replica = await writableCatalog(this.#context, 'password', options.signal);
    const now = new Date(this.#context.now());
    const device = this.#context.requireAccount().deviceUdf;
    replica.change(
      entries.map((entry) => ({
        Deleted: {
          Identifier: entry.Identifier,
          Updated: laterThan(entry.Updated, now),
          UpdatedBy: device,
        },
      })),
    );
    for (const entry of entries) {
      this.#deleted.delete(entry.Identifier);
      this.#deleted.set(entry.Identifier, entry);
    }
    while (this.#deleted.size > UNDO_KEPT) {
      this.#deleted.delete(this.#deleted.keys().next().value as string);
    }
  }

  /**
   * Undo a delete made on this device since the application was opened (docs/catalogs-and-sync.md
   * "Undo a delete"): the entry comes back with the same Identifier, as a new version made now by
   * this device, later than the deletion so that it wins on every device (a version and a deletion:
   * the later one wins, catalog-record.ts). Its History keeps the version that was deleted and
   * every earlier one, so each device shows the same history whatever order the records reach it
   * in. NOT_FOUND when this device deleted no such entry (or has forgotten it); ALREADY_EXISTS
   * when the entry is back already (a later version from another device, or undone before).
   */
  async undelete(identifier: string, options: ChangeOptions = {}): Promise<PasswordEntry> {
    const entry = this.#deleted.get(identifier);
    if (entry === undefined) {
      throw new MeshError('NOT_FOUND', 'this device deleted no entry with this identifier', {
        field: 'id',
      });
    }
    const replica = await writableCatalog(this.#context, 'password', options.signal);
    const state = replica.record(identifier);
    if (state?.Deleted === undefined) {
      this.#deleted.delete(identifier);
      throw new MeshError('ALREADY_EXISTS', 'the entry is not deleted', { field: 'id' });
    }
    const restored = supersedeEntry(entry, contentOf<PasswordEntryContent>(entry), {
      updated: laterThan(state.Deleted.Updated, new Date(this.#context.now())),
      deviceUdf: this.#context.requireAccount().deviceUdf,
      keepPrevious: true,
    });
    replica.change([{ Entry: restored }]);
    this.#deleted.delete(identifier);
    return replica.entry(identifier) ?? restored;
  }

  /**
   * Import a CSV export (docs/architecture.md section 12): the whole file is planned first (format
   * detected unless given), so a malformed file changes nothing; then every new and merged entry is
   * stored and queued in one commit. Returns the report (added, merged, skipped with reasons).
   */
  async import(
    file: string | Uint8Array,
    options: ChangeOptions & {
      format?: PasswordCsvFormat | undefined;
      onProgress?: ((progress: { done: number; total: number }) => void) | undefined;
    } = {},
  ): Promise<PasswordImportReport> {
    const replica = await writableCatalog(this.#context, 'password', options.signal);
    const plan = planPasswordImport(this.#index.list(), file, {
      context: deviceChangeContext(this.#context),
      ...(options.format === undefined ? {} : { format: options.format }),
      ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
    });
    if (plan.changes.length > 0)
      replica.change(plan.changes.map((change) => ({ Entry: change.entry })));
    return plan.report;
  }

  /** Every entry as a CSV export (Bitwarden's columns unless told); it holds the passwords. */
  export(format: PasswordCsvExportFormat = 'bitwarden'): string {
    return exportPasswordsCsv(this.#index.list(), { format });
  }

  /**
   * The password settings (draft-hallambaker-mesh-reference-03 section 5.7.2): the NeverAsk sites
   * and AutoGenerate.
   */
  settings(): PasswordSettings {
    const record = this.#replica.record(SETTINGS_ID);
    if (record?.Settings === undefined) return readPasswordSettings();
    const { AutoGenerate, NeverAsk } = record.Settings;
    return readPasswordSettings({
      ...(AutoGenerate === undefined ? {} : { AutoGenerate }),
      NeverAsk,
    });
  }

  /**
   * Whether to offer to store a password for a visited site (not on NeverAsk;
   * draft-hallambaker-mesh-reference-03 section 5.7.2).
   */
  mayAskToStore(siteOrUrl: string): boolean {
    return mayAskToStore(this.settings(), siteOrUrl);
  }

  /** Never ask to store passwords for `site` (a host, URL or `*.` pattern). */
  neverAsk(site: string, options: ChangeOptions = {}): Promise<PasswordSettings> {
    return this.#changeSettings((settings) => addNeverAsk(settings, site), options);
  }

  /** Ask again for `site`. */
  askAgain(site: string, options: ChangeOptions = {}): Promise<PasswordSettings> {
    return this.#changeSettings((settings) => removeNeverAsk(settings, site), options);
  }

  /**
   * Set AutoGenerate: whether to offer generated passwords (draft-hallambaker-mesh-reference-03
   * section 5.7.2).
   */
  autoGenerate(value: boolean, options: ChangeOptions = {}): Promise<PasswordSettings> {
    return this.#changeSettings((settings) => setAutoGenerate(settings, value), options);
  }

  /** Stop indexing the catalog (the application object is not used afterwards). */
  close(): void {
    this.#index.detach();
  }

  async #changeSettings(
    change: (settings: PasswordSettings) => PasswordSettings,
    options: ChangeOptions,
  ): Promise<PasswordSettings> {
    const current = this.settings();
    const next = change(current);
    if (next === current) return current;
    const replica = await writableCatalog(this.#context, 'password', options.signal);
    const previous = this.#replica.record(SETTINGS_ID)?.Settings?.Updated;
    const now = new Date(this.#context.now());
    replica.change([
      {
        Settings: {
          Identifier: SETTINGS_ID,
          Updated: previous === undefined ? now.toISOString() : laterThan(previous, now),
          UpdatedBy: this.#context.requireAccount().deviceUdf,
          ...(next.AutoGenerate === undefined ? {} : { AutoGenerate: next.AutoGenerate }),
          NeverAsk: next.NeverAsk,
        },
      },
    ]);
    return this.settings();
  }

  #require(identifier: string): PasswordEntry {
    const entry = this.#replica.entry(identifier);
    if (entry === undefined) {
      throw new MeshError('NOT_FOUND', 'there is no password entry with this identifier', {
        field: 'identifier',
      });
    }
    return entry;
  }
}
