/**
 * ConnectStart (seed 001 7.11; DESIGN.md section 7): a new device asks to join an account. The
 * service checks the device's signed request, adds its nonce, computes the witness and keeps the
 * request pending. With a PIN proof (shared/profiles/pin.ts) against a PIN the account registered
 * (ConnectPin), the request is marked PinVerified and the PIN is used up in the same transaction.
 */
import { base64urlDecode } from '../../shared/encoding/base64url';
import { MeshError } from '../../shared/errors';
import { findDevice } from '../../shared/profiles/personal-profile';
import { verifyPinProof } from '../../shared/profiles/pin';
import { requireAccountName } from '../../shared/protocol/account-name';
import { STATUS } from '../../shared/protocol/status-codes';
import { randomNonce, udfMatches } from '../../shared/udf';
import { computeWitness } from '../../shared/witness';
import { canonicalIdentifier } from '../identifiers';
import { currentProfile, openAccount } from './accounts';
import type { Handler } from './context';
import { respond, retryStale, StaleRead, submit } from './context';

/** Wrong PIN proofs after which a PIN is burned. */
export const MAX_PIN_FAILURES = 5;

function pinRefused(): MeshError {
  return new MeshError(
    'UNAUTHORIZED',
    'the PIN is not valid (unknown, used, expired, or the proof is wrong)',
    { field: 'SignedRequest.PinProof' },
  );
}

/** Answer ConnectStart: 201 with the server nonce, the witness and the account's profile. */
export const connectStart: Handler<'ConnectStart'> = async (context, message, request) => {
  const name = requireAccountName(
    message.AccountID,
    'ConnectStartRequest.AccountID',
    context.options.accountPolicy,
  );
  const verified = await context.profiles.connectionRequest(
    message.SignedRequest,
    'ConnectStartRequest.SignedRequest',
  );
  const connection = verified.request;
  const deviceUdf = verified.device.identifier;
  const deviceId = canonicalIdentifier(
    deviceUdf,
    'ConnectStartRequest.SignedRequest.Device.Identifier',
  );
  if (connection.PinID !== undefined && connection.PinProof === undefined) {
    throw new MeshError(
      'INVALID_MESSAGE',
      'ConnectStartRequest.SignedRequest: a PinID needs a PinProof',
      {
        field: 'ConnectStartRequest.SignedRequest.PinProof',
      },
    );
  }
  return retryStale(async () => {
    const account = await openAccount(context.backend, name, 'ConnectStartRequest.AccountID');
    const current = await currentProfile(context, context.backend, account);
    if (!udfMatches(connection.ParentUDF, current.profile.identifier)) {
      throw new MeshError(
        'UNAUTHORIZED',
        'SignedRequest.ParentUDF is not the profile of this account',
        {
          field: 'ConnectStartRequest.SignedRequest.ParentUDF',
        },
      );
    }
    if (findDevice(current.profile, deviceUdf) !== undefined) {
      throw new MeshError('ALREADY_EXISTS', 'the device is connected to this account already', {
        field: 'ConnectStartRequest.SignedRequest.Device',
      });
    }
    let pinValid = false;
    if (connection.PinID !== undefined && connection.PinProof !== undefined) {
      const pin = await context.backend.pin(name, connection.PinID);
      pinValid =
        pin !== undefined &&
        verifyPinProof(
          base64urlDecode(pin.key),
          { account: name, clientNonce: connection.ClientNonce, deviceUdf },
          connection.PinProof,
        );
    }
    const serverNonce = randomNonce();
    const witness = computeWitness({
      profileUdf: current.signed.Identifier,
      serverNonce,
      deviceUdf,
      clientNonce: connection.ClientNonce,
    });
    const outcome = await submit(context, request, async (scope) => {
      const now = scope.now;
      const latest = await scope.latestPublished(account.profileId);
      const still = await scope.account(name);
      if (latest?.txId !== current.row.txId || still?.status !== 'Open') throw new StaleRead();
      const pinId = connection.PinID;
      if (pinId !== undefined) {
        const pin = await scope.pin(name, pinId);
        if (
          pin === undefined ||
          pin.used ||
          pin.expires <= now ||
          pin.failures >= MAX_PIN_FAILURES
        ) {
          return { refused: true } as const;
        }
        if (!pinValid) {
          scope.putPin({ ...pin, failures: pin.failures + 1 });
          return { refused: true } as const;
        }
        scope.putPin({ ...pin, used: true });
      }
      const existing = await scope.connection(name, deviceId);
      const replacing = existing?.state === 'Pending' && existing.expires > now ? 1 : 0;
      if (
        (await scope.pendingCount(name, now)) - replacing >=
        context.options.limits.maxPendingConnections
      ) {
        throw new MeshError(
          'OVERLOADED',
          'too many connection requests are waiting for this account',
          {
            field: 'ConnectStartRequest.AccountID',
          },
        );
      }
      const expires = now + context.options.connectionLifetimeMs;
      const signedRequest = {
        Identifier: message.SignedRequest.Identifier,
        SignedData: message.SignedRequest.SignedData,
      };
      const txId = scope.append('ConnectStart', {
        AccountID: name,
        DeviceID: deviceId,
        SignedRequest: signedRequest,
        ServerNonce: serverNonce,
        Witness: witness,
        ...(pinId === undefined ? {} : { PinID: pinId }),
        PinVerified: pinId !== undefined,
        Expires: new Date(expires).toISOString(),
      });
      scope.putConnection({
        account: name,
        deviceId,
        txId,
        request: JSON.stringify(signedRequest),
        serverNonce,
        witness,
        pinId: pinId ?? null,
        pinVerified: pinId !== undefined,
        received: now,
        expires,
        state: 'Pending',
        result: null,
      });
      return { refused: false, expires, pinVerified: pinId !== undefined } as const;
    });
    if (outcome.refused) throw pinRefused();
    return respond(STATUS.Created, {
      ServerNonce: serverNonce,
      Witness: witness,
      Profile: current.signed,
      PinVerified: outcome.pinVerified,
      Expires: new Date(outcome.expires).toISOString(),
    });
  });
};
