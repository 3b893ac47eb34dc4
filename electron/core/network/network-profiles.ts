import type { NetworkProfileEntry } from '../../../shared/apps/network-profile';
import { parseSite, siteMatchRank } from '../catalog/site-match';

/**
 * Network profiles (draft-hallambaker-mesh-reference-03 section 5.9.2 NetworkProfilePrivate) apply
 * to sites named like password entries' (`*.example.com` matches www.example.com etc.;
 * site-match.ts).
 */

/**
 * The network profiles that apply to a host or URL, best match first (exact site, then deeper
 * wildcards); a profile listing no site applies everywhere and comes last.
 */
export function networkProfilesForSite(
  profiles: Iterable<NetworkProfileEntry>,
  siteOrUrl: string,
): NetworkProfileEntry[] {
  const query = parseSite(siteOrUrl);
  const ranked: { profile: NetworkProfileEntry; rank: number }[] = [];
  for (const profile of profiles) {
    if (profile.Sites.length === 0) {
      ranked.push({ profile, rank: 0 });
      continue;
    }
    let best: number | null = null;
    for (const site of profile.Sites) {
      const rank = siteMatchRank(parseSite(site), query);
      if (rank !== null && (best === null || rank > best)) best = rank;
    }
    if (best !== null) ranked.push({ profile, rank: best });
  }
  return ranked
    .sort((a, b) => b.rank - a.rank || (a.profile.Identifier < b.profile.Identifier ? -1 : 1))
    .map((item) => item.profile);
}
