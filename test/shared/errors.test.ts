import { describe, expect, it } from 'vitest';
import { MeshError, isDiskFullError, isMeshError, meshErrorCodes } from '../../shared/errors';

describe('MeshError', () => {
  it('carries a stable code and structured details, and is recognised by code', () => {
    const error = new MeshError('INVALID_UDF', 'UDF has the wrong type byte', {
      expected: 96,
      actual: 80,
    });
    expect(error).toBeInstanceOf(Error);
    expect(error.code).toBe('INVALID_UDF');
    expect(error.details).toEqual({ expected: 96, actual: 80 });
    expect(isMeshError(error)).toBe(true);
    expect(isMeshError(error, 'INVALID_UDF')).toBe(true);
    expect(isMeshError(error, 'NOT_FOUND')).toBe(false);
    expect(isMeshError(new Error('x'))).toBe(false);
  });

  it('has no duplicate codes', () => {
    expect(new Set(meshErrorCodes).size).toBe(meshErrorCodes.length);
  });
});

describe('isDiskFullError', () => {
  it('knows "no space left" from the file system, SQLite and PostgreSQL, and nothing else', () => {
    const coded = (fields: Record<string, unknown>) => Object.assign(new Error('x'), fields);
    expect(isDiskFullError(coded({ code: 'ENOSPC' }))).toBe(true);
    expect(isDiskFullError(coded({ code: 'EDQUOT' }))).toBe(true);
    expect(isDiskFullError(coded({ code: 'SQLITE_FULL' }))).toBe(true);
    expect(isDiskFullError(coded({ code: 'ERR_SQLITE_ERROR', errcode: 13 }))).toBe(true);
    expect(isDiskFullError(coded({ code: '53100' }))).toBe(true);
    expect(isDiskFullError(new Error('database or disk is full'))).toBe(true);
    expect(isDiskFullError(coded({ code: 'ERR_SQLITE_ERROR', errcode: 5 }))).toBe(false);
    expect(isDiskFullError(coded({ code: 'EACCES' }))).toBe(false);
    expect(isDiskFullError('ENOSPC')).toBe(false);
  });
});
