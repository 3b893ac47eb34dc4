/**
 * Reading the small JSON files a home keeps (home.json, the key file, the desktop settings):
 * a missing file is not an error, and text that is not JSON fails the schema like any other
 * wrong content, so each caller says once what a bad file means for it.
 */
import { promises as fs } from 'node:fs';
import type { z } from 'zod';

/** The file at `path` checked with `schema`; undefined when there is no such file. */
export async function readJsonFile<T>(
  path: string,
  schema: z.ZodType<T>,
): Promise<z.ZodSafeParseResult<T> | undefined> {
  let text: string;
  try {
    text = await fs.readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return schema.safeParse(parsed);
}
