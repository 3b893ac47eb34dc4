import { describe, expect, it } from 'vitest';
import { createEntry } from '../../../electron/core/catalog/entry-model';
import { networkProfilesForSite } from '../../../electron/core/network/network-profiles';
import { networkProfilePrivateSchema } from '../../../shared/apps/network-profile';
import type { NetworkProfileEntry } from '../../../shared/apps/network-profile';

function profile(id: string, sites: string[]): NetworkProfileEntry {
  return createEntry(networkProfilePrivateSchema.parse({ Sites: sites, Prefix: [id] }), {
    deviceUdf: 'DEV-A',
    newIdentifier: () => id,
  });
}

describe('network profiles (draft-hallambaker-mesh-reference-03 section 5.9.2)', () => {
  const everywhere = profile('everywhere', []);
  const corp = profile('corp', ['*.corp.example']);
  const lab = profile('lab', ['*.lab.corp.example', 'lab.corp.example']);
  const all = [everywhere, corp, lab];

  it('picks the profiles whose sites match, best first, the site-less one last', () => {
    const ids = (site: string) => networkProfilesForSite(all, site).map((p) => p.Identifier);
    expect(ids('https://host.lab.corp.example/')).toEqual(['lab', 'corp', 'everywhere']);
    expect(ids('lab.corp.example')).toEqual(['lab', 'corp', 'everywhere']);
    expect(ids('www.corp.example')).toEqual(['corp', 'everywhere']);
    expect(ids('example.org')).toEqual(['everywhere']);
  });
});
