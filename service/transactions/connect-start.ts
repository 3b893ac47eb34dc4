/**
 * ConnectStart (draft-hallambaker-mesh-reference-03 section 7.11; docs/architecture.md section 7):
 * a new device asks to join an account. The service checks the device's signed request, adds its
 * nonce, computes the witness and keeps the request pending. With a PIN proof
 * (shared/profiles/pin.ts) against a PIN the account registered (ConnectPin), the request is marked
 * PinVerified and the PIN is used up in the same transaction.
 */
import { base64urlDecode } from '../../shared/encoding/base64url';
import { MeshError } from '../../shared/errors';
import { CONNECTION_REQUEST_FIELDS } from '../../shared/profiles/connection';
import { findDevice } from '../../shared/profiles/personal-profile';
import { verifyPinProof } from '../../shared/profiles/pin';
import { requireAccountName } from '../../shared/protocol/account-name';
import { STATUS } from '../../shared/protocol/status-codes';
import { randomNonce, udfMatches } from '../../shared/udf';
import { computeWitness } from '../../shared/witness';
import { canonicalIdentifier } from '../identifiers';
import { currentProfile, openAccount } from './accounts';
import type { Handler } from './context';
import { admit } from './enrollment';
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
  const unknown = Object.keys(connection).find((field) => !CONNECTION_REQUEST_FIELDS.has(field));
  if (unknown !== undefined) {
    const field = `ConnectStartRequest.SignedRequest.${unknown}`;
    throw new MeshError('INVALID_MESSAGE', `${field}: unknown field`, { field });
  }
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
    const signedRequest = {
      Identifier: message.SignedRequest.Identifier,
      SignedData: message.SignedRequest.SignedData,
    };
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
      // The same signed request again while it waits changes nothing: the same answer, and
      // nothing is appended to the log. (A PIN request sent again is refused below: its PIN is
      // used up.)
      const existing = await scope.connection(name, deviceId);
      if (
        connection.PinID === undefined &&
        existing?.state === 'Pending' &&
        existing.expires > now &&
        existing.request === JSON.stringify(signedRequest)
      ) {
        return {
          refused: false,
          expires: existing.expires,
          pinVerified: existing.pinVerified,
          serverNonce: existing.serverNonce,
          witness: existing.witness,
        } as const;
      }
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
      const limits = context.options.limits;
      const admission = admit(
        (await scope.pendingRequests(name, now)).filter((row) => row.deviceId !== deviceId),
        pinId !== undefined,
        request.source,
        (row) => context.enrollment.of(name, row.deviceId),
        { maxPending: limits.maxPendingConnections, maxPerSource: limits.maxPendingPerSource },
      );
      if (!admission.admitted) {
        throw new MeshError(
          'OVERLOADED',
          'too many connection requests are waiting for this account',
          {
            field: 'ConnectStartRequest.AccountID',
          },
        );
      }
      const expires =
        now +
        (pinId === undefined
          ? context.options.unprovenLifetimeMs
          : context.options.connectionLifetimeMs);
      const txId = scope.append('ConnectStart', {
        AccountID: name,
        DeviceID: deviceId,
        SignedRequest: signedRequest,
        ServerNonce: serverNonce,
        Witness: witness,
        ...(pinId === undefined ? {} : { PinID: pinId }),
        PinVerified: pinId !== undefined,
        Expires: new Date(expires).toISOString(),
        ...(admission.evict.length === 0
          ? {}
          : { Evicted: admission.evict.map((row) => row.deviceId) }),
      });
      for (const row of admission.evict) {
        scope.putConnection({ ...row, expires: now });
        context.enrollment.forget(name, row.deviceId);
      }
      context.enrollment.set(name, deviceId, request.source, expires, now);
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
      return {
        refused: false,
        expires,
        pinVerified: pinId !== undefined,
        serverNonce,
        witness,
      } as const;
    });
    if (outcome.refused) throw pinRefused();
    return respond(STATUS.Created, {
      ServerNonce: outcome.serverNonce,
      Witness: outcome.witness,
      Profile: current.signed,
      PinVerified: outcome.pinVerified,
      Expires: new Date(outcome.expires).toISOString(),
    });
  });
};
