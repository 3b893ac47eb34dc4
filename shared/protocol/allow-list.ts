/**
 * Response allow-lists without re-validation (docs/architecture.md section 11 "The service", after
 * Fastify's fast-json-stringify): a response schema compiled once into a function that copies only
 * the fields the schema declares, recursively, and drops everything else. The service builds its
 * responses from typed values, so it needs the filtering, not the checks; the checks run in
 * encodeResponse() and on the client (decodeResponse), and the tests compare the two.
 */
import type { z } from 'zod';

type Pick = (value: unknown) => unknown;

interface Definition {
  type: string;
  shape?: Record<string, z.ZodType>;
  catchall?: z.ZodType;
  element?: z.ZodType;
  innerType?: z.ZodType;
  in?: z.ZodType;
  options?: z.ZodType[];
}

const compiled = new WeakMap<z.ZodType, Pick>();
const identity: Pick = (value) => value;

function definition(schema: z.ZodType): Definition {
  return (schema as unknown as { _zod: { def: Definition } })._zod.def;
}

function compile(schema: z.ZodType): Pick {
  const found = compiled.get(schema);
  if (found !== undefined) return found;
  // Placeholder first, so a recursive schema finds itself.
  let pick: Pick = identity;
  compiled.set(schema, (value) => pick(value));
  const def = definition(schema);
  switch (def.type) {
    case 'object': {
      const fields = Object.entries(def.shape ?? {}).map(
        ([name, field]) => [name, compile(field)] as const,
      );
      const loose = def.catchall !== undefined && definition(def.catchall).type !== 'never';
      pick = (value) => {
        if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
        const source = value as Record<string, unknown>;
        const out: Record<string, unknown> = loose ? { ...source } : {};
        for (const [name, pickField] of fields) {
          const fieldValue = source[name];
          if (fieldValue !== undefined) out[name] = pickField(fieldValue);
        }
        return out;
      };
      break;
    }
    case 'array': {
      const element = compile(def.element as z.ZodType);
      pick = (value) => (Array.isArray(value) ? value.map(element) : value);
      break;
    }
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'readonly':
    case 'nonoptional':
    case 'catch':
      pick = compile(def.innerType as z.ZodType);
      break;
    case 'pipe':
      pick = compile(def.in as z.ZodType);
      break;
    case 'union': {
      // Only unions of leaf types pass as they are; a union holding objects would need the
      // checks to know which member applies, so it is refused when compiled.
      for (const option of def.options ?? []) {
        if (['object', 'array', 'union'].includes(definition(option).type)) {
          throw new Error('allow-list: unions of objects are not supported in responses');
        }
      }
      pick = identity;
      break;
    }
    default:
      pick = identity;
  }
  compiled.set(schema, pick);
  return pick;
}

/** `value` with only the fields `schema` declares (recursively); no other checks. */
export function allowListed(schema: z.ZodType, value: unknown): unknown {
  return compile(schema)(value);
}
