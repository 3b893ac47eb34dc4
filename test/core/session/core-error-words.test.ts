// The core's errors carry a code and typed details; words for people, and above all what to
// type, live at the edges (electron/cli/error-words.ts, the renderer). This reads every error the
// core constructs (`new MeshError(...)`, `new Error(...)`) in electron/core and proves that none
// tells the user a CLI option (`--home`), an environment variable (`MESH_KEYSTORE`) or a `mesh`
// command: a desktop user is never told to set MESH_KEYSTORE.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..', '..');
const core = join(root, 'electron', 'core');

/** CLI words: an option, an environment variable, a `mesh` command line. */
const CLI_WORDS =
  /(^|[\s('"`])--[a-z][a-z-]*|\bMESH_[A-Z_]+|\bmesh (account|device|password|mail|key|hash)\b/;

function sources(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** The string literals of a source (after withoutComments), quotes included. */
const literals: string[] = [];

/** The source without its comments (strings kept as they are; each also kept in `literals`). */
function withoutComments(text: string): string {
  let out = '';
  let quote: string | undefined;
  let literal = '';
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (quote !== undefined) {
      out += char;
      literal += char;
      if (char === '\\') {
        const next = text[++i] ?? '';
        out += next;
        literal += next;
      } else if (char === quote) {
        quote = undefined;
        literals.push(literal);
      }
    } else if (char === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      out += '\n';
    } else if (char === '/' && text[i + 1] === '*') {
      i = text.indexOf('*/', i + 2) + 1;
      if (i === 0) break;
    } else {
      if (char === "'" || char === '"' || char === '`') {
        quote = char;
        literal = char;
      }
      out += char;
    }
  }
  return out;
}

/** The text of each `new MeshError(...)` / `new Error(...)` call, parentheses balanced. */
function errorCalls(text: string): string[] {
  const calls: string[] = [];
  for (const match of text.matchAll(/new (Mesh)?Error\(/g)) {
    let depth = 0;
    let end = match.index;
    for (; end < text.length; end++) {
      if (text[end] === '(') depth++;
      else if (text[end] === ')' && --depth === 0) break;
    }
    calls.push(text.slice(match.index, end + 1));
  }
  return calls;
}

describe('the errors of electron/core', () => {
  const files = sources(core);

  it('finds the errors it checks (the scan is not empty)', () => {
    const count = files.reduce(
      (sum, file) => sum + errorCalls(withoutComments(readFileSync(file, 'utf8'))).length,
      0,
    );
    expect(files.length).toBeGreaterThan(50);
    expect(count).toBeGreaterThan(100);
    // The pattern catches what it must.
    for (const words of [
      "'use another home (--home DIR)'",
      '`set MESH_KEYSTORE=file`',
      "'run mesh account create'",
    ]) {
      expect(words).toMatch(CLI_WORDS);
    }
  });

  it('tell no CLI option, environment variable or mesh command', () => {
    const offending: string[] = [];
    for (const file of files) {
      for (const call of errorCalls(withoutComments(readFileSync(file, 'utf8')))) {
        if (CLI_WORDS.test(call)) offending.push(`${relative(root, file)}: ${call}`);
      }
    }
    expect(offending).toEqual([]);
  });

  it('hold no CLI option, environment variable or mesh command in any string (a message built apart)', () => {
    literals.length = 0;
    for (const file of files) withoutComments(readFileSync(file, 'utf8'));
    expect(literals.length).toBeGreaterThan(1000);
    expect(literals.filter((literal) => CLI_WORDS.test(literal))).toEqual([]);
  });
});
