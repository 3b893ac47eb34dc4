/**
 * ValidateAccount (draft-hallambaker-mesh-reference-03 section 7.6): is the name acceptable under
 * the policy, and free.
 */
import { checkAccountName, INVALID_ACCOUNT_CHARACTERS } from '../../shared/protocol/account-name';
import { STATUS } from '../../shared/protocol/status-codes';
import type { Handler } from './context';
import { respond } from './context';

/** Answer ValidateAccount: 200 with Valid and, when not, the Reason. */
export const validateAccount: Handler<'ValidateAccount'> = async (context, message) => {
  const policy = context.options.accountPolicy;
  const check = checkAccountName(message.Account, policy);
  let valid = check.valid;
  let reason = check.reason;
  if (check.valid && check.name !== undefined && context.options.reservedNames.has(check.name)) {
    valid = false;
    reason = 'the name is reserved';
  } else if (
    check.valid &&
    check.name !== undefined &&
    (await context.backend.account(check.name))
  ) {
    valid = false;
    reason = 'the name is taken';
  }
  const invalid = [
    ...new Set(`${check.invalidCharacters ?? ''}${INVALID_ACCOUNT_CHARACTERS}`),
  ].join('');
  return respond(STATUS.OK, {
    Valid: valid,
    Minimum: policy.minimum,
    Maximum: policy.maximum,
    InvalidCharacters: invalid,
    ...(reason === undefined ? {} : { Reason: reason }),
  });
};
