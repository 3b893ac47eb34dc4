/**
 * CreateAccount (draft-hallambaker-mesh-reference-03 section 7.7;
 * draft-hallambaker-mesh-protocol-00 section 10.11): bind a new name to a verified personal
 * profile. The Authorization (by a device the profile lists) was checked by the dispatcher.
 */
import { createHash } from 'node:crypto';
import { MeshError } from '../../shared/errors';
import { checkPersonalProfileUpdate } from '../../shared/profiles/personal-profile';
import { requireAccountName } from '../../shared/protocol/account-name';
import { STATUS } from '../../shared/protocol/status-codes';
import { canonicalIdentifier } from '../identifiers';
import { storedSignedObject } from './accounts';
import type { Handler, ServiceContext } from './context';
import { respond, retryStale, StaleRead, submit } from './context';
import { profileRow } from './published-row';

/**
 * Registration by invitation: the code must be one the operator configured and not used by
 * another account (each is used once; its use is kept as a service secret named by the code's
 * SHA-256, so it survives a restart and holds across processes).
 */
async function useInvitation(
  context: ServiceContext,
  name: string,
  code: string | undefined,
): Promise<void> {
  const field = 'CreateRequest.Invitation';
  if (code === undefined || context.options.invitations?.has(code) !== true) {
    throw new MeshError('UNAUTHORIZED', `${field}: registration here needs a valid invitation`, {
      field,
    });
  }
  if ((await context.backend.account(name)) !== undefined) {
    throw new MeshError('ALREADY_EXISTS', 'the account name is taken', { field: 'Account' });
  }
  const digest = createHash('sha256').update(code, 'utf8').digest('base64url');
  const holder = await context.backend.serviceSecret(`invitation:${digest}`, () => name);
  if (holder !== name) {
    throw new MeshError('UNAUTHORIZED', `${field}: the invitation has been used`, { field });
  }
}

/** Answer CreateAccount: 201, or 409 for a taken name or a profile that has an account. */
export const createAccount: Handler<'CreateAccount'> = async (context, message, request) => {
  const name = requireAccountName(
    message.Account,
    'CreateRequest.Account',
    context.options.accountPolicy,
  );
  if (context.options.reservedNames.has(name)) {
    throw new MeshError('ALREADY_EXISTS', 'the account name is reserved', {
      field: 'CreateRequest.Account',
    });
  }
  const profile = await context.profiles.personalProfile(message.Profile);
  if (context.options.invitations !== undefined) {
    await useInvitation(context, name, message.Invitation);
  }
  const identifier = canonicalIdentifier(
    message.Profile.Identifier,
    'CreateRequest.Profile.Identifier',
  );
  const transactionId = await retryStale(async () => {
    const previous = await context.backend.latestPublished(identifier);
    if (
      previous !== undefined &&
      storedSignedObject(previous).SignedData !== message.Profile.SignedData
    ) {
      // The profile had an account here that was closed: a new binding may not roll it back.
      if (previous.type !== 'PersonalProfile') {
        throw new MeshError('ALREADY_EXISTS', 'the Identifier is in use', { field: 'Profile' });
      }
      const before = await context.profiles.personalProfile(storedSignedObject(previous));
      checkPersonalProfileUpdate(before, profile);
    }
    return submit(context, request, async (scope) => {
      if ((await scope.account(name)) !== undefined) {
        throw new MeshError('ALREADY_EXISTS', 'the account name is taken', { field: 'Account' });
      }
      const latest = await scope.latestPublished(identifier);
      if (latest?.txId !== previous?.txId) throw new StaleRead();
      if (latest !== undefined) {
        const bound = await scope.account(latest.account);
        if (bound?.status === 'Open' && bound.profileId === identifier) {
          throw new MeshError('ALREADY_EXISTS', 'this profile already has an account here', {
            field: 'Profile',
          });
        }
      }
      const txId = scope.append('CreateAccount', {
        Account: name,
        Identifier: identifier,
        Profile: { Identifier: message.Profile.Identifier, SignedData: message.Profile.SignedData },
      });
      scope.putAccount({ name, profileId: identifier, status: 'Open', created: scope.now, txId });
      scope.putPublished(profileRow(txId, identifier, name, scope.now, message.Profile, profile));
      return txId;
    });
  });
  return respond(STATUS.Created, { TransactionID: transactionId });
};
