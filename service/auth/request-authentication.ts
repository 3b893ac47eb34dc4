/**
 * Which key must have signed a request, by its transaction's rule (transactions.ts
 * AuthenticationRule; docs/architecture.md section 5; docs/module-contracts.md section 3), and the
 * check itself: a device of the named account, a device of the profile a CreateAccount carries, or
 * the device of a pending connection request (ConnectStatus).
 */
import type { PublicKeyJwk } from '../../shared/crypto/public-key';
import { MeshError } from '../../shared/errors';
import { findDevice } from '../../shared/profiles/personal-profile';
import type { SignedObject } from '../../shared/profiles/signed-object';
import { requireAccountName } from '../../shared/protocol/account-name';
import type { DecodedRequest } from '../../shared/protocol/envelope';
import { transactions } from '../../shared/protocol/transactions';
import { canonicalIdentifier } from '../identifiers';
import { currentProfile, openAccount } from '../transactions/accounts';
import type { ServiceContext } from '../transactions/context';
import type { Authentication } from './authenticate';
import { authenticate, readAuthorization } from './authenticate';

/** What a request carries besides its message. */
interface SignedRequestParts {
  readonly body: Uint8Array;
  readonly authorization?: string;
}

type KeyOf = (device: string) => Promise<PublicKeyJwk | undefined>;

/** The account field a message names under its transaction's accountField. */
function accountOf(request: DecodedRequest): string | undefined {
  const field = transactions[request.transaction].accountField;
  if (field === undefined) return undefined;
  const value = (request.message as Record<string, unknown>)[field];
  return typeof value === 'string' ? value : undefined;
}

/** Who must have signed this request, and with which key (docs/architecture.md section 5). */
async function keysFor(
  context: ServiceContext,
  request: DecodedRequest,
): Promise<{ account: string; keyOf: KeyOf } | undefined> {
  const definition = transactions[request.transaction];
  const named = accountOf(request);
  const policy = context.options.accountPolicy;
  const field = `${definition.request}.${definition.accountField ?? 'Account'}`;
  switch (definition.authentication) {
    case 'none':
      return undefined;
    case 'account-if-named':
      if (named === undefined) return undefined;
      break;
    case 'escrow':
      if (request.transaction !== 'Publish' || request.message.EscrowEntry === undefined)
        return undefined;
      break;
    case 'profile-device': {
      if (request.transaction !== 'CreateAccount') return undefined;
      const account = requireAccountName(request.message.Account, field, policy);
      const profile = await context.profiles.personalProfile(
        request.message.Profile,
        'CreateRequest.Profile',
      );
      return {
        account,
        keyOf: async (device) =>
          findDevice(profile, device)?.profile.DeviceAuthenticationKey.PublicParameters,
      };
    }
    case 'pending-device': {
      if (request.transaction !== 'ConnectStatus') return undefined;
      const account = requireAccountName(request.message.AccountID, field, policy);
      const deviceId = canonicalIdentifier(
        request.message.DeviceID,
        'ConnectStatusRequest.DeviceID',
      );
      await openAccount(context.backend, account, field);
      const pending = await context.backend.connection(account, deviceId);
      if (pending === undefined) {
        throw new MeshError('NOT_FOUND', 'no connection request of this device is waiting', {
          field: 'ConnectStatusRequest.DeviceID',
        });
      }
      const verified = await context.profiles.connectionRequest(
        JSON.parse(pending.request) as SignedObject,
      );
      return {
        account,
        keyOf: async (device) =>
          device === deviceId
            ? verified.device.profile.DeviceAuthenticationKey.PublicParameters
            : undefined,
      };
    }
    case 'account':
      break;
  }
  if (named === undefined) {
    throw new MeshError('INVALID_MESSAGE', `${field}: required`, { field });
  }
  const account = requireAccountName(named, field, policy);
  const row = await openAccount(context.backend, account, field);
  const current = await currentProfile(context, context.backend, row);
  return {
    account,
    keyOf: async (device) =>
      findDevice(current.profile, device)?.profile.DeviceAuthenticationKey.PublicParameters,
  };
}

/** Authenticate a request as its transaction requires; undefined when it requires none. */
export async function authenticationOf(
  context: ServiceContext,
  request: DecodedRequest,
  incoming: SignedRequestParts,
): Promise<Authentication | undefined> {
  const definition = transactions[request.transaction];
  const needed =
    definition.authentication === 'account' ||
    definition.authentication === 'profile-device' ||
    definition.authentication === 'pending-device' ||
    (definition.authentication === 'account-if-named' && accountOf(request) !== undefined) ||
    (request.transaction === 'Publish' && request.message.EscrowEntry !== undefined);
  if (!needed) return undefined;
  const fields = readAuthorization(incoming.authorization);
  const keys = await keysFor(context, request);
  if (keys === undefined) return undefined;
  return authenticate(fields, {
    backend: context.backend,
    now: context.options.clock(),
    windowMs: context.options.authenticationWindowMs,
    account: keys.account,
    body: incoming.body,
    keyOf: keys.keyOf,
  });
}
