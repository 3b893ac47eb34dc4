/**
 * The zod schema of a UDF field (draft-hallambaker-mesh-udf), apart from udf.ts so that what
 * only computes or parses a UDF (`mesh hash udf`) does not load zod.
 */
import { z } from 'zod';
import { parseUdf } from './udf';

// The type bytes of UDF texts already found valid: the same few identifiers (an account's master
// profile, its devices, their keys) come in every message, and parsing one allocates. Only
// successes are kept; a failure is parsed again so that its message names what is wrong.
const KNOWN_LIMIT = 8192;
const knownTypes = new Map<string, number>();

function typeOfValid(text: string): number {
  let typeByte = knownTypes.get(text);
  if (typeByte === undefined) {
    typeByte = parseUdf(text).typeByte;
    if (knownTypes.size >= KNOWN_LIMIT) knownTypes.clear();
    knownTypes.set(text, typeByte);
  }
  return typeByte;
}

/**
 * A zod schema for a UDF string, optionally of one type; the issue message says what is wrong.
 * Use it for every UDF field of a protocol message or profile.
 */
export function udfSchema(expectType?: number): z.ZodType<string> {
  return z.string().superRefine((text, context) => {
    try {
      const typeByte = typeOfValid(text);
      // The known type differs: parse again for the error that says so.
      if (expectType !== undefined && typeByte !== expectType) parseUdf(text, { expectType });
    } catch (error) {
      context.addIssue({
        code: 'custom',
        message: error instanceof Error ? error.message : 'not a UDF',
      });
    }
  });
}
