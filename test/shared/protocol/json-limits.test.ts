/**
 * The JSON body limits (shared/protocol/json-limits.ts): nesting depth is judged on the structure,
 * not on brackets inside strings, whether the text has few brackets (counted) or many (walked).
 */
import { describe, expect, it } from 'vitest';
import { jsonBodyText, jsonNestsDeeperThan } from '../../../shared/protocol/json-limits';

const bytes = (text: string) => new TextEncoder().encode(text);
const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

describe('jsonNestsDeeperThan', () => {
  it('allows exactly the limit and refuses one more', () => {
    expect(jsonNestsDeeperThan(bytes(nested(32)), 32)).toBe(false);
    expect(jsonNestsDeeperThan(bytes(nested(33)), 32)).toBe(true);
    expect(jsonNestsDeeperThan(bytes(`{"a":${nested(32)}}`), 32)).toBe(true);
  });

  it('counts nesting, not brackets: many shallow ones pass', () => {
    const wide = `[${Array.from({ length: 100 }, () => '{"a":[1]}').join(',')}]`;
    expect(jsonNestsDeeperThan(bytes(wide), 32)).toBe(false);
  });

  it('ignores brackets inside strings, escaped quotes included', () => {
    const text = `{"a":"${'['.repeat(100)}\\"${'{'.repeat(100)}"}`;
    expect(jsonNestsDeeperThan(bytes(text), 32)).toBe(false);
    expect(JSON.parse(jsonBodyText(bytes(text)))).toHaveProperty('a');
  });

  it('refuses a deep body with a message naming the limit', () => {
    expect(() => jsonBodyText(bytes(`{"x":${nested(40)}}`))).toThrow(/nests deeper than 32/);
  });
});
