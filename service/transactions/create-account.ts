/**
 * CreateAccount (seed 001 7.7; seed 004 10.11): bind a new name to a verified personal profile.
 * The Authorization (by a device the profile lists) was checked by the dispatcher.
 */
import { MeshError } from '../../shared/errors';
import { checkPersonalProfileUpdate } from '../../shared/profiles/personal-profile';
import { requireAccountName } from '../../shared/protocol/account-name';
import { STATUS } from '../../shared/protocol/status-codes';
import { canonicalIdentifier } from '../identifiers';
import { storedSignedObject } from './accounts';
import type { Handler } from './context';
import { respond, retryStale, StaleRead, submit } from './context';
import { profileRow } from './published-row';

/** Answer CreateAccount: 201, or 409 for a taken name or a profile that has an account. */
export const createAccount: Handler<'CreateAccount'> = async (context, message, request) => {
  const name = requireAccountName(
    message.Account,
    'CreateRequest.Account',
    context.options.accountPolicy,
  );
  const profile = await context.profiles.personalProfile(message.Profile);
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
