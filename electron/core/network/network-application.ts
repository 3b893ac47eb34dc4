/**
 * The network application of one device (draft-hallambaker-mesh-reference-03 section 5.9.2
 * NetworkProfilePrivate; docs/architecture.md section 3): network profiles - DNS services, search
 * prefixes, Web PKI roots - for the sites they name, on the account's synced catalog like passwords
 * and mail settings. Read straight from the catalog (there are few); changed one record at a time.
 */
import type {
  NetworkProfileEntry,
  NetworkProfilePrivate,
} from '../../../shared/apps/network-profile';
import {
  networkProfileContentShape,
  networkProfileEntrySchema,
} from '../../../shared/apps/network-profile';
import { MeshError } from '../../../shared/errors';
import { z } from 'zod';
import {
  checkWithSchema,
  contentOf,
  createEntry,
  laterThan,
  reviseEntry,
} from '../catalog/entry-model';
import { networkProfilesForSite } from './network-profiles';
import { normaliseSite } from '../catalog/site-match';
import type { CatalogReplica } from '../catalog/catalog-replica';
import { catalogsOf } from '../catalog/catalog-set';
import type { DeviceContext } from '../session/device-context';
import type { ChangeOptions } from '../catalog/writable-catalog';
import { deviceChangeContext } from '../catalog/change-context';
import { writableCatalog } from '../catalog/writable-catalog';

const contentSchema = z.strictObject(networkProfileContentShape);

/** What a user gives for a network profile (defaults fill the rest). */
export type NetworkProfileInput = z.input<typeof contentSchema>;

/** The network application of an open device home (module comment). */
export class NetworkApplication {
  readonly #context: DeviceContext;
  readonly #replica: CatalogReplica<NetworkProfileEntry>;

  private constructor(context: DeviceContext, replica: CatalogReplica<NetworkProfileEntry>) {
    this.#context = context;
    this.#replica = replica;
  }

  /** The network application of the home `context` has open. */
  static async open(context: DeviceContext): Promise<NetworkApplication> {
    return new NetworkApplication(context, await catalogsOf(context).replica('network'));
  }

  /** Every network profile. */
  list(): NetworkProfileEntry[] {
    return this.#replica.entries().sort((a, b) => (a.Identifier < b.Identifier ? -1 : 1));
  }

  /**
   * The profiles that apply to a host or URL, best match first (draft-hallambaker-mesh-reference-03
   * section 5.9.2 Sites).
   */
  forSite(siteOrUrl: string): NetworkProfileEntry[] {
    return networkProfilesForSite(this.list(), siteOrUrl);
  }

  /** Add a network profile (sites normalised as password sites are). */
  async add(input: NetworkProfileInput, options: ChangeOptions = {}): Promise<NetworkProfileEntry> {
    const content = this.#content(input);
    const replica = await writableCatalog(this.#context, 'network', options.signal);
    const entry = checkWithSchema(
      networkProfileEntrySchema,
      createEntry(content, deviceChangeContext(this.#context)),
      'network profile',
    );
    replica.change([{ Entry: entry }]);
    return entry;
  }

  /** Replace a profile's content; the previous version goes to History. NOT_FOUND when absent. */
  async update(
    identifier: string,
    input: NetworkProfileInput,
    options: ChangeOptions = {},
  ): Promise<NetworkProfileEntry> {
    const current = this.#require(identifier);
    const content = this.#content(input);
    const replica = await writableCatalog(this.#context, 'network', options.signal);
    const revised = checkWithSchema(
      networkProfileEntrySchema,
      reviseEntry<NetworkProfilePrivate>(current, content, deviceChangeContext(this.#context)),
      'network profile',
    );
    if (revised.Updated === current.Updated) return current;
    replica.change([{ Entry: revised }]);
    return revised;
  }

  /** Delete a profile; NOT_FOUND when absent. */
  async delete(identifier: string, options: ChangeOptions = {}): Promise<void> {
    const current = this.#require(identifier);
    const replica = await writableCatalog(this.#context, 'network', options.signal);
    replica.change([
      {
        Deleted: {
          Identifier: identifier,
          Updated: laterThan(current.Updated, new Date(this.#context.now())),
          UpdatedBy: this.#context.requireAccount().deviceUdf,
        },
      },
    ]);
  }

  #content(input: NetworkProfileInput): NetworkProfilePrivate {
    const checked = checkWithSchema(contentSchema, input, 'network profile');
    return contentOf<NetworkProfilePrivate>({
      ...checked,
      Sites: [...new Set(checked.Sites.map((site) => normaliseSite(site)))],
    });
  }

  #require(identifier: string): NetworkProfileEntry {
    const entry = this.#replica.entry(identifier);
    if (entry === undefined) {
      throw new MeshError('NOT_FOUND', 'there is no network profile with this identifier', {
        field: 'identifier',
      });
    }
    return entry;
  }
}
