/**
 * The SQL both storage backends share (service/storage/queries.ts): written once with `?`, and
 * numbered `$1..$n` for PostgreSQL. The conformance suite (storage.test.ts) runs the statements
 * on both databases; this file checks the translation itself.
 */
import { describe, expect, it } from 'vitest';
import {
  numbered,
  POSTGRES_DIALECT,
  searchPublishedQuery,
  SQLITE_DIALECT,
} from '../../../service/storage/queries';

describe('numbered', () => {
  it('numbers the placeholders in order and leaves quoted literals alone', () => {
    expect(numbered("SELECT * FROM t WHERE a = ? AND b = 'x?''y?' AND c > ? LIMIT ?")).toBe(
      "SELECT * FROM t WHERE a = $1 AND b = 'x?''y?' AND c > $2 LIMIT $3",
    );
    expect(numbered('SELECT 1')).toBe('SELECT 1');
  });
});

describe('searchPublishedQuery', () => {
  it('gives one placeholder per value, and each dialect its literal of true', () => {
    const query = {
      identifier: { prefix: 'MB2G' },
      type: 'PersonalProfile' as const,
      device: 'MDEV',
      notBefore: 5,
      latestOnly: true,
      afterTxId: 7,
      limit: 10,
    };
    const sqlite = searchPublishedQuery(query, SQLITE_DIALECT);
    expect(sqlite.values).toEqual([7, 'MB2G', 'MB2G~', 'PersonalProfile', 'Device', 'MDEV', 5, 10]);
    expect(sqlite.sql.split('?').length - 1).toBe(sqlite.values.length);
    expect(sqlite.sql).toContain('p.latest = 1');
    const postgres = searchPublishedQuery(query, POSTGRES_DIALECT);
    expect(numbered(postgres.sql)).toContain(`LIMIT $${postgres.values.length}`);
    expect(postgres.sql).toContain('p.latest = true');
  });
});
