/**
 * The mail application of one device (docs/architecture.md section 12 "Mail settings";
 * draft-hallambaker-mesh-reference-03 section 5.8; docs/architecture.md section 3): the account's
 * mail accounts (MailProfilePrivate, one catalog entry each), read from the synced catalog itself
 * (the one in-memory view; there are few, found by address without an index); adding one (typed, discovered from the provider's autoconfig document or RFC 6186
 * SRV records, or imported from an autoconfig file), changing, deleting and exporting it. Server
 * passwords are entry fields like any other: sealed under the application key before they leave the
 * device, never in a log or an error.
 */
import type { Connection } from '../../../shared/apps/connection';
import type { MailAccountEntry } from '../../../shared/apps/mail-profile';
import { MeshError } from '../../../shared/errors';
import { laterThan } from '../catalog/entry-model';
import { exportAutoconfig } from './autoconfig-export';
import { importAutoconfigAccount } from './autoconfig-parse';
import {
  addressKey,
  newMailAccount,
  reviseMailAccount,
  type MailAccountInput,
} from './mail-catalog';
import { connectionWarnings, type MailWarning } from './mail-connection';
import { discoverMailSettings, type DiscoveryOptions, type MailDiscovery } from './mail-discovery';
import type { CatalogReplica } from '../catalog/catalog-replica';
import { catalogsOf } from '../catalog/catalog-set';
import type { DeviceContext } from '../session/device-context';
import type { ChangeOptions } from '../catalog/writable-catalog';
import { deviceChangeContext } from '../catalog/change-context';
import { writableCatalog } from '../catalog/writable-catalog';
import { checkNotCancelled } from '../catalog/sync/cancellation';

/** An account added, with what the user should hear about it. */
export interface AddedMailAccount {
  readonly entry: MailAccountEntry;
  /** Plain sockets, cleartext passwords over them. */
  readonly warnings: readonly MailWarning[];
  /** What discovery tried and found, when it was asked for. */
  readonly discovery?: MailDiscovery;
}

/** The mail application of an open device home (module comment). */
export class MailApplication {
  readonly #context: DeviceContext;
  readonly #replica: CatalogReplica<MailAccountEntry>;

  private constructor(context: DeviceContext, replica: CatalogReplica<MailAccountEntry>) {
    this.#context = context;
    this.#replica = replica;
  }

  /** The mail application of the home `context` has open. */
  static async open(context: DeviceContext): Promise<MailApplication> {
    return new MailApplication(context, await catalogsOf(context).replica('mail'));
  }

  /** Accounts with edits not uploaded yet. */
  get pending(): number {
    return this.#replica.pendingCount;
  }

  /** Every mail account, by account name or address. */
  list(): MailAccountEntry[] {
    return this.#replica
      .entries()
      .sort((a, b) =>
        collator.compare(a.AccountName ?? a.EmailAddress, b.AccountName ?? b.EmailAddress),
      );
  }

  /** The account of an address (case-insensitive), if any. */
  get(address: string): MailAccountEntry | undefined {
    const wanted = addressKey(address);
    return this.#replica.entries().find((entry) => addressKey(entry.EmailAddress) === wanted);
  }

  /** Discover the servers of an address (autoconfig, well-known, SRV); never stores anything. */
  discover(address: string, options: DiscoveryOptions = {}): Promise<MailDiscovery> {
    return discoverMailSettings(address, options);
  }

  /**
   * Add an account. With `discover`, connections the input leaves out are taken from discovery
   * (NOT_FOUND when it finds no server and the input gives none), with `credentials` filled in
   * where discovery has none (the user name defaults to the address). ALREADY_EXISTS when the
   * address has an account.
   */
  async add(
    input: MailAccountInput,
    options: ChangeOptions & {
      discover?: boolean;
      discovery?: DiscoveryOptions;
      credentials?: { username?: string | undefined; password?: string | undefined };
    } = {},
  ): Promise<AddedMailAccount> {
    this.#refuseTaken(input.EmailAddress);
    let discovery: MailDiscovery | undefined;
    let account = input;
    const warnings: MailWarning[] = [...(input.Inbound ?? []), ...(input.Outbound ?? [])].flatMap(
      (connection) => connectionWarnings(connection),
    );
    if (options.discover) {
      discovery = await discoverMailSettings(input.EmailAddress, options.discovery ?? {});
      if (discovery.found) {
        const credentials = options.credentials ?? {};
        const withCredentials = (connection: Connection): Connection => ({
          ...connection,
          UserName: connection.UserName ?? credentials.username ?? input.EmailAddress,
          ...(credentials.password === undefined || connection.Password !== undefined
            ? {}
            : { Password: credentials.password }),
        });
        account = {
          ...input,
          Inbound: input.Inbound?.length ? input.Inbound : discovery.Inbound.map(withCredentials),
          Outbound: input.Outbound?.length
            ? input.Outbound
            : discovery.Outbound.map(withCredentials),
        };
        warnings.push(...discovery.warnings);
      } else if (!input.Inbound?.length && !input.Outbound?.length) {
        throw new MeshError('NOT_FOUND', 'no mail server settings were found for this address', {
          field: 'EmailAddress',
          reason: 'no-servers',
        });
      }
    }
    checkNotCancelled(options.signal);
    const replica = await writableCatalog(this.#context, 'mail', options.signal);
    const entry = newMailAccount(account, deviceChangeContext(this.#context));
    this.#refuseTaken(entry.EmailAddress);
    replica.change([{ Entry: entry }]);
    return {
      entry: replica.entry(entry.Identifier) ?? entry,
      warnings,
      ...(discovery === undefined ? {} : { discovery }),
    };
  }

  /** Change an account; the previous version goes to History. NOT_FOUND when absent. */
  async update(
    address: string,
    changes: Partial<MailAccountInput>,
    options: ChangeOptions = {},
  ): Promise<MailAccountEntry> {
    const current = this.#require(address);
    if (changes.EmailAddress !== undefined) {
      const other = this.get(changes.EmailAddress);
      if (other !== undefined && other.Identifier !== current.Identifier) {
        throw taken();
      }
    }
    const replica = await writableCatalog(this.#context, 'mail', options.signal);
    const revised = reviseMailAccount(current, changes, deviceChangeContext(this.#context));
    if (revised.Updated === current.Updated) return current;
    replica.change([{ Entry: revised }]);
    return replica.entry(current.Identifier) ?? revised;
  }

  /** Delete the account of an address; NOT_FOUND when absent. Returns it. */
  async delete(address: string, options: ChangeOptions = {}): Promise<MailAccountEntry> {
    const entry = this.#require(address);
    const replica = await writableCatalog(this.#context, 'mail', options.signal);
    replica.change([
      {
        Deleted: {
          Identifier: entry.Identifier,
          Updated: laterThan(entry.Updated, new Date(this.#context.now())),
          UpdatedBy: this.#context.requireAccount().deviceUdf,
        },
      },
    ]);
    return entry;
  }

  /**
   * The account of an address as a Thunderbird autoconfig document (config-v1.1.xml); server
   * passwords only with `includePasswords`.
   */
  exportAutoconfig(address: string, options: { includePasswords?: boolean } = {}): string {
    return exportAutoconfig(this.#require(address), options);
  }

  /**
   * Add an account from an autoconfig document (e.g. one exportAutoconfig wrote); the address
   * is the document's user name unless given.
   */
  async importAutoconfig(
    xml: string,
    options: ChangeOptions & { emailAddress?: string; accountName?: string } = {},
  ): Promise<AddedMailAccount> {
    const { account, warnings } = importAutoconfigAccount(xml, {
      ...(options.emailAddress === undefined ? {} : { emailAddress: options.emailAddress }),
      ...(options.accountName === undefined ? {} : { accountName: options.accountName }),
    });
    const added = await this.add(account, options);
    const unique = new Map([...warnings, ...added.warnings].map((item) => [item.message, item]));
    return { ...added, warnings: [...unique.values()] };
  }

  #refuseTaken(address: string): void {
    if (this.get(address) !== undefined) throw taken();
  }

  #require(address: string): MailAccountEntry {
    const entry = this.get(address);
    if (entry === undefined) {
      throw new MeshError('NOT_FOUND', 'there is no mail account for this address', {
        field: 'EmailAddress',
      });
    }
    return entry;
  }
}

const collator = new Intl.Collator('en', { sensitivity: 'base', numeric: true });

function taken(): MeshError {
  return new MeshError('ALREADY_EXISTS', 'there is already a mail account for this address', {
    field: 'EmailAddress',
  });
}
