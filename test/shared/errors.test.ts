import { describe, expect, it } from 'vitest';
import { MeshError, isMeshError, meshErrorCodes } from '../../shared/errors';

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
