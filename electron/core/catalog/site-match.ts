import { domainToASCII, domainToUnicode } from 'node:url';
import type { PasswordEntryContent } from '../../../shared/apps/password-entry';
import { MeshError } from '../../../shared/errors';

/**
 * Sites of password entries, NeverAsk lists and network profiles
 * (draft-hallambaker-mesh-reference-03 section 5.7.3 and 5.9.2: "DNS name of site; *.example.com
 * matches www.example.com etc.").
 *
 * A site pattern is stored as `host`, `*.host` or either with `:port`:
 * - the host is lower-case ASCII, an IDN in punycode (node:url domainToASCII), no trailing dot;
 * - `*.example.com` matches any name below example.com, at any depth (www.example.com,
 *   a.b.example.com), and NOT example.com itself: the seed's example names only subdomains,
 *   and DNS wildcards (RFC 4592) do not match their own parent either. List both patterns to
 *   cover both. `*.` needs at least two labels after it, so `*.com` is refused;
 * - a pattern without a port matches every port; with a port, only that port. Ports 80 and 443
 *   are the web's defaults and are dropped;
 * - scheme, user info, path, query and fragment of a URL are not part of the site.
 */

/** A parsed site: a pattern when `wildcard`, else one host. */
export type Site = { wildcard: boolean; host: string; port?: number };

/** URL schemes whose host is a web site; other schemes (android://, chrome://) are not sites. */
const webSchemes = new Set(['http:', 'https:', 'ftp:', 'ws:', 'wss:']);
const defaultPorts = new Set([80, 443]);
const labelPattern = /^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/;
const ipv4Pattern = /^\d{1,3}(?:\.\d{1,3}){3}$/;

function invalid(reason: string): MeshError {
  return new MeshError('INVALID_ARGUMENT', `Not a site: ${reason}.`, { field: 'site', reason });
}

function parsePort(text: string): number | undefined {
  if (text === '') return undefined;
  if (!/^\d{1,5}$/.test(text)) throw invalid('the port is not a number');
  const port = Number(text);
  if (port < 1 || port > 65_535) throw invalid('the port is out of range');
  return defaultPorts.has(port) ? undefined : port;
}

function normaliseHost(raw: string, wildcard: boolean): string {
  if (raw.startsWith('[')) {
    if (wildcard) throw invalid('an IP address cannot have a wildcard');
    // WHATWG URL parsing canonicalises IPv6 literals (compression, case).
    let hostname: string;
    try {
      hostname = new URL(`http://${raw}/`).hostname;
    } catch {
      throw invalid('the IPv6 address is malformed');
    }
    return hostname;
  }
  const trimmed = raw.endsWith('.') ? raw.slice(0, -1) : raw;
  if (trimmed === '') throw invalid('the host name is empty');
  const ascii = domainToASCII(trimmed);
  if (ascii === '' || ascii.length > 253) throw invalid('the host name is not a valid DNS name');
  const labels = ascii.split('.');
  if (!labels.every((label) => labelPattern.test(label))) {
    throw invalid('the host name is not a valid DNS name');
  }
  if (wildcard && ipv4Pattern.test(ascii)) throw invalid('an IP address cannot have a wildcard');
  if (wildcard && labels.length < 2) throw invalid('a wildcard needs at least two labels after *.');
  return ascii;
}

/** Splits `host[:port]` (host may be a bracketed IPv6 literal). */
function splitHostPort(authority: string): { host: string; port: string } {
  if (authority.startsWith('[')) {
    const close = authority.indexOf(']');
    if (close < 0) throw invalid('the IPv6 address is malformed');
    const rest = authority.slice(close + 1);
    if (rest !== '' && !rest.startsWith(':')) throw invalid('the IPv6 address is malformed');
    return { host: authority.slice(0, close + 1), port: rest.slice(1) };
  }
  const colon = authority.lastIndexOf(':');
  return colon < 0
    ? { host: authority, port: '' }
    : { host: authority.slice(0, colon), port: authority.slice(colon + 1) };
}

/** True when `text` starts with a URL scheme (`name://`). */
export function hasUrlScheme(text: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(text.trim());
}

/**
 * Parses a URL, a host name or a site pattern into a Site (draft-hallambaker-mesh-reference-03
 * section 5.7.3). Throws a MeshError INVALID_ARGUMENT (details.reason says why) for anything that
 * is not a web site.
 */
export function parseSite(text: string): Site {
  let input = text.trim();
  if (input === '') throw invalid('it is empty');
  let authority: string;
  if (hasUrlScheme(input)) {
    let url: URL;
    try {
      url = new URL(input);
    } catch {
      throw invalid('the URL is malformed');
    }
    if (!webSchemes.has(url.protocol)) throw invalid(`${url.protocol}// is not a web address`);
    authority = url.port === '' ? url.hostname : `${url.hostname}:${url.port}`;
  } else {
    // A bare host: whatever follows the authority (path, query, fragment) is not the site.
    const end = input.search(/[/?#]/);
    if (end >= 0) input = input.slice(0, end);
    const at = input.lastIndexOf('@');
    authority = at >= 0 ? input.slice(at + 1) : input;
  }
  const wildcard = authority.startsWith('*.');
  if (wildcard) authority = authority.slice(2);
  if (authority.includes('*')) throw invalid('only a leading *. is allowed');
  const { host, port } = splitHostPort(authority);
  const site: Site = { wildcard, host: normaliseHost(host, wildcard) };
  const parsedPort = parsePort(port);
  if (parsedPort !== undefined) site.port = parsedPort;
  return site;
}

/** The stored form of a site: `[*.]host[:port]`. */
export function formatSite(site: Site): string {
  return `${site.wildcard ? '*.' : ''}${site.host}${site.port === undefined ? '' : `:${site.port}`}`;
}

/**
 * Normalises user or import input to the stored site form (draft-hallambaker-mesh-reference-03
 * section 5.7.3).
 */
export function normaliseSite(text: string): string {
  return formatSite(parseSite(text));
}

/** The site as a person reads it: IDN labels in Unicode. */
export function displaySite(pattern: string): string {
  const site = parseSite(pattern);
  const host = site.host.startsWith('[') ? site.host : domainToUnicode(site.host);
  return formatSite({ ...site, host });
}

/**
 * How well `pattern` matches the visited `query` (both parsed), or null when it does not:
 * an exact host ranks above any wildcard, a deeper wildcard above a shallower one, and a
 * pattern naming the port above one that does not. A wildcard query (someone asking for the
 * entry of `*.example.com`) matches only that same pattern, as an exact match.
 */
export function siteMatchRank(pattern: Site, query: Site): number | null {
  if (pattern.port !== undefined && pattern.port !== query.port) return null;
  const portBonus = pattern.port === undefined ? 0 : 1;
  if (pattern.wildcard === query.wildcard && pattern.host === query.host) {
    return 1_000_000 + portBonus;
  }
  if (!pattern.wildcard || query.wildcard) return null;
  if (!query.host.endsWith(`.${pattern.host}`)) return null;
  return pattern.host.split('.').length * 1000 + portBonus;
}

/**
 * The DNS names under which an index finds patterns matching `query`: the host itself (exact
 * patterns) and each proper parent with at least two labels (wildcard patterns).
 */
export function wildcardParents(host: string): string[] {
  if (host.startsWith('[') || ipv4Pattern.test(host)) return [];
  const labels = host.split('.');
  const parents: string[] = [];
  for (let i = 1; i <= labels.length - 2; i += 1) parents.push(labels.slice(i).join('.'));
  return parents;
}

/** The name a list shows for an entry: its Title, else its first site, else its user name. */
export function entryDisplayName(entry: PasswordEntryContent): string {
  const site = entry.Sites[0];
  return (
    entry.Title ?? (site === undefined ? undefined : displaySite(site)) ?? entry.Username ?? ''
  );
}
