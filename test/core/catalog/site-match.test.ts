import { describe, expect, it } from 'vitest';
import {
  displaySite,
  normaliseSite,
  parseSite,
  siteMatchRank,
  wildcardParents,
} from '../../../electron/core/catalog/site-match';
import { isMeshError } from '../../../shared/errors';

function rank(pattern: string, query: string): number | null {
  return siteMatchRank(parseSite(pattern), parseSite(query));
}

describe('normaliseSite (draft-hallambaker-mesh-reference-03 section 5.7.3)', () => {
  it.each([
    ['https://WWW.Example.com:443/path?q=1#top', 'www.example.com'],
    ['http://example.com:80/', 'example.com'],
    ['https://user:pw@example.com/', 'example.com'],
    ['Example.COM.', 'example.com'],
    ['example.com/login?next=/', 'example.com'],
    ['example.com:8443', 'example.com:8443'],
    ['https://example.com:8443/x', 'example.com:8443'],
    ['*.Example.com', '*.example.com'],
    ['https://*.example.com/', '*.example.com'],
    ['bücher.de', 'xn--bcher-kva.de'],
    ['*.Bücher.de', '*.xn--bcher-kva.de'],
    ['https://münchen.de/', 'xn--mnchen-3ya.de'],
    ['192.168.1.1:8080', '192.168.1.1:8080'],
    ['http://[::1]:8080/', '[::1]:8080'],
    ['[0:0::1]', '[::1]'],
    ['  localhost  ', 'localhost'],
  ])('%s -> %s', (input, expected) => {
    expect(normaliseSite(input)).toBe(expected);
  });

  it.each([
    ['', 'it is empty'],
    ['android://hash@com.example.app/', 'android'],
    ['chrome://FirefoxAccounts', 'chrome'],
    ['*.com', 'two labels'],
    ['*.192.168.1.1', 'IP address'],
    ['www.*.example.com', 'leading'],
    ['exa mple.com', 'DNS name'],
    ['-bad.example.com', 'DNS name'],
    ['example.com:99999', 'out of range'],
    ['example.com:http', 'not a number'],
  ])('refuses %j', (input, why) => {
    try {
      normaliseSite(input);
      expect.unreachable();
    } catch (error) {
      expect(isMeshError(error, 'INVALID_ARGUMENT')).toBe(true);
      expect((error as Error).message).toContain(why);
    }
  });

  it('shows IDN sites in Unicode', () => {
    expect(displaySite('*.xn--bcher-kva.de:8443')).toBe('*.bücher.de:8443');
  });
});

describe('site matching', () => {
  it('matches the exact host, any port when the pattern names none', () => {
    expect(rank('example.com', 'https://example.com/login')).not.toBeNull();
    expect(rank('example.com', 'example.com:8443')).not.toBeNull();
    expect(rank('example.com', 'www.example.com')).toBeNull();
    expect(rank('example.com', 'example.org')).toBeNull();
  });

  it('matches a port-specific pattern only on that port', () => {
    expect(rank('example.com:8443', 'https://example.com:8443/')).not.toBeNull();
    expect(rank('example.com:8443', 'https://example.com/')).toBeNull();
  });

  it('matches *.example.com on subdomains of any depth but not example.com itself', () => {
    expect(rank('*.example.com', 'www.example.com')).not.toBeNull();
    expect(rank('*.example.com', 'a.b.example.com')).not.toBeNull();
    expect(rank('*.example.com', 'example.com')).toBeNull();
    expect(rank('*.example.com', 'badexample.com')).toBeNull();
    expect(rank('*.example.com', 'www.example.com.evil.org')).toBeNull();
  });

  it('ranks exact > deeper wildcard > shallower wildcard, port-specific above port-less', () => {
    const query = 'https://a.b.example.com:8443/';
    const exact = rank('a.b.example.com', query) ?? 0;
    const exactPort = rank('a.b.example.com:8443', query) ?? 0;
    const deep = rank('*.b.example.com', query) ?? 0;
    const shallow = rank('*.example.com', query) ?? 0;
    expect(exactPort).toBeGreaterThan(exact);
    expect(exact).toBeGreaterThan(deep);
    expect(deep).toBeGreaterThan(shallow);
    expect(shallow).toBeGreaterThan(0);
  });

  it('a wildcard query finds only the same pattern', () => {
    expect(rank('*.example.com', '*.example.com')).not.toBeNull();
    expect(rank('www.example.com', '*.example.com')).toBeNull();
  });

  it('lists the parents a wildcard index is searched under', () => {
    expect(wildcardParents('a.b.example.com')).toEqual(['b.example.com', 'example.com']);
    expect(wildcardParents('example.com')).toEqual([]);
    expect(wildcardParents('10.0.0.1')).toEqual([]);
  });
});
