/**
 * The JSON envelope (docs/architecture.md section 5) and the status codes: one member naming the
 * message, errors naming the field, responses passed through their allow-list, and statuses mapped
 * to the shared error codes both ways.
 */
import { describe, expect, it } from 'vitest';
import { meshErrorCodes } from '../../../shared/errors';
import { isMeshError } from '../../../shared/errors';
import { checkAccountName, requireAccountName } from '../../../shared/protocol/account-name';
import {
  decodeRequest,
  decodeResponse,
  encodeMeshResponse,
  encodeRequest,
  encodeResponse,
} from '../../../shared/protocol/envelope';
import {
  errorForStatus,
  STATUS,
  statusCodes,
  statusForError,
} from '../../../shared/protocol/status-codes';
import {
  transactionNames,
  transactionOfRequest,
  transactions,
} from '../../../shared/protocol/transactions';

function fieldOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (isMeshError(error, 'INVALID_MESSAGE')) return String(error.details.field);
    throw error;
  }
  throw new Error('expected INVALID_MESSAGE');
}

describe('requests', () => {
  it('decode a valid request into its transaction', () => {
    expect(decodeRequest('{"ValidateRequest":{"Account":"alice"}}')).toEqual({
      transaction: 'ValidateAccount',
      message: { Account: 'alice' },
    });
    expect(decodeRequest({ HelloRequest: { Portal: 'example.com' } }).transaction).toBe('Hello');
  });

  it('name the field of the first problem', () => {
    expect(fieldOf(() => decodeRequest('{"GetRequest":{"Account":"a","Multiple":"yes"}}'))).toBe(
      'GetRequest.Multiple',
    );
    expect(fieldOf(() => decodeRequest('{"GetRequest":{"Account":"a","Nope":1}}'))).toBe(
      'GetRequest.Nope',
    );
    expect(fieldOf(() => decodeRequest('{"ValidateRequest":{}}'))).toBe('ValidateRequest.Account');
    expect(fieldOf(() => decodeRequest('{"NopeRequest":{}}'))).toBe('NopeRequest');
    expect(fieldOf(() => decodeRequest('{"__proto__":{}}'))).toBe('__proto__');
    expect(fieldOf(() => decodeRequest('{"constructor":{}}'))).toBe('constructor');
    expect(
      fieldOf(() => decodeRequest('{"GetRequest":{"KeyValues":[{"Key":"Color","Value":"red"}]}}')),
    ).toBe('GetRequest.KeyValues.0.Key');
    expect(
      fieldOf(() =>
        decodeRequest({
          UploadRequest: {
            Account: 'a',
            Updates: [
              { Container: 'c', ExpectedIndex: 0, Entries: [{ Payload: 'x' }] },
              { Container: 'c', ExpectedIndex: 0, Entries: [{ Payload: 'y' }] },
            ],
          },
        }),
      ),
    ).toBe('UploadRequest.Updates.1.Container');
  });

  it('encode only valid requests', () => {
    expect(encodeRequest('Hello', {})).toBe('{"HelloRequest":{}}');
    expect(() => encodeRequest('Validate' as 'ValidateAccount', { Account: 'a' })).toThrow();
    expect(
      fieldOf(() =>
        encodeRequest('ConnectStatus', { AccountID: 'a', DeviceID: '', WaitSeconds: 5 }),
      ),
    ).toBe('ConnectStatusRequest.DeviceID');
  });

  it('has one request and response name per transaction', () => {
    for (const name of transactionNames) {
      expect(transactionOfRequest(transactions[name].request)).toBe(name);
      expect(transactions[name].response.endsWith('Response')).toBe(true);
    }
    expect(new Set(transactionNames.map((name) => transactions[name].response)).size).toBe(
      transactionNames.length,
    );
  });
});

describe('responses', () => {
  it('encode through the allow-list: undeclared fields never leave', () => {
    const body = encodeResponse('DeleteAccount', {
      Status: 200,
      StatusDescription: 'OK',
      TransactionID: 7,
      PrivateKey: 'secret',
    } as never);
    expect(JSON.parse(body)).toEqual({
      DeleteResponse: { Status: 200, StatusDescription: 'OK', TransactionID: 7 },
    });
    expect(() =>
      encodeResponse('DeleteAccount', { Status: 200, StatusDescription: 'OK' } as never),
    ).toThrow();
  });

  it('encode a failure with Status and StatusDescription only (Upload keeps its conflict fields)', () => {
    expect(
      JSON.parse(encodeResponse('Get', { Status: 404, StatusDescription: 'Not found' })),
    ).toEqual({
      GetResponse: { Status: 404, StatusDescription: 'Not found' },
    });
    const conflict = {
      Status: 409,
      StatusDescription: 'Conflict',
      ContainerStatus: [{ Container: 'c', Index: 2, Digest: 'd' }],
    };
    expect(JSON.parse(encodeResponse('Upload', conflict))).toEqual({ UploadResponse: conflict });
  });

  it('decode successes and failures (the payload Status decides)', () => {
    const ok = decodeResponse(
      'DeleteAccount',
      '{"DeleteResponse":{"Status":200,"StatusDescription":"OK","TransactionID":3,"Extra":1}}',
    );
    expect(ok).toEqual({
      ok: true,
      status: 200,
      message: { Status: 200, StatusDescription: 'OK', TransactionID: 3 },
    });
    const failed = decodeResponse(
      'Get',
      encodeMeshResponse({ Status: 400, StatusDescription: 'bad' }),
    );
    expect(failed).toMatchObject({ ok: false, status: 400, description: 'bad' });
    expect(() =>
      decodeResponse('Get', '{"HelloResponse":{"Status":200,"StatusDescription":"OK"}}'),
    ).toThrow(/expected GetResponse/);
    expect(() =>
      decodeResponse('Get', '{"MeshResponse":{"Status":200,"StatusDescription":"OK"}}'),
    ).toThrow();
    expect(() =>
      decodeResponse('DeleteAccount', '{"DeleteResponse":{"Status":200,"StatusDescription":"OK"}}'),
    ).toThrow(/TransactionID/);
  });
});

describe('status codes', () => {
  it('map every error code to a status and back', () => {
    for (const code of meshErrorCodes) expect(statusCodes).toContain(statusForError(code));
    expect(statusForError('INVALID_MESSAGE')).toBe(STATUS.BadRequest);
    expect(statusForError('SIGNATURE_INVALID')).toBe(STATUS.Unauthorized);
    expect(statusForError('ALREADY_EXISTS')).toBe(STATUS.Conflict);
    expect(statusForError('TOO_LARGE')).toBe(STATUS.TooLarge);
    expect(statusForError('OVERLOADED')).toBe(STATUS.Overloaded);
    expect(statusForError('STORE_CORRUPT')).toBe(STATUS.Internal);
    expect(errorForStatus(401)).toBe('UNAUTHORIZED');
    expect(errorForStatus(409)).toBe('CONFLICT');
    expect(errorForStatus(503)).toBe('OVERLOADED');
    expect(errorForStatus(500)).toBe('SERVICE_ERROR');
  });
});

describe('account names (docs/module-contracts.md section 4)', () => {
  it('are case-insensitive local parts within the policy', () => {
    expect(checkAccountName('Alice.Smith-2')).toEqual({ valid: true, name: 'alice.smith-2' });
    expect(checkAccountName('alice@example.com')).toMatchObject({
      valid: false,
      invalidCharacters: '@',
    });
    expect(checkAccountName('-alice').valid).toBe(false);
    expect(checkAccountName('a..b').valid).toBe(false);
    expect(checkAccountName('').valid).toBe(false);
    expect(checkAccountName('x'.repeat(65)).valid).toBe(false);
    expect(checkAccountName('ab', { minimum: 3, maximum: 5 }).valid).toBe(false);
    expect(() => requireAccountName('bad name', 'CreateRequest.Account')).toThrow(
      /CreateRequest.Account/,
    );
  });
});
