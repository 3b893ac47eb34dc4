/**
 * The zod schema of a UDF field (draft-hallambaker-mesh-udf), apart from udf.ts so that what
 * only computes or parses a UDF (`mesh hash udf`) does not load zod.
 */
import { z } from 'zod';
import { parseUdf } from './udf';

/**
 * A zod schema for a UDF string, optionally of one type; the issue message says what is wrong.
 * Use it for every UDF field of a protocol message or profile.
 */
export function udfSchema(expectType?: number): z.ZodType<string> {
  return z.string().superRefine((text, context) => {
    try {
      parseUdf(text, expectType === undefined ? {} : { expectType });
    } catch (error) {
      context.addIssue({
        code: 'custom',
        message: error instanceof Error ? error.message : 'not a UDF',
      });
    }
  });
}
