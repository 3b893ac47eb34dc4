/**
 * Account names (draft-hallambaker-mesh-reference-03 section 7.6, 8.1.2; docs/module-contracts.md
 * section 4): the local part of `local@service`, case-insensitive, known to the service in lower
 * case. The policy is the service's (PolicyAccount in Hello); these helpers apply one so client and
 * service agree.
 */
import { MeshError } from '../errors';

/** Account naming policy (draft-hallambaker-mesh-protocol-00 section 10.4.4 PolicyAccount). */
export interface AccountPolicy {
  readonly minimum: number;
  readonly maximum: number;
}

/** The default policy: 1 to 64 characters. */
export const DEFAULT_ACCOUNT_POLICY: AccountPolicy = { minimum: 1, maximum: 64 };

/** Characters an account name may hold: ASCII letters, digits, '.', '-', '_'. */
export const ACCOUNT_CHARACTERS = 'a-z A-Z 0-9 . - _';
/** A sample of refused characters, reported as PolicyAccount.InvalidCharacters. */
export const INVALID_ACCOUNT_CHARACTERS = ' @:/\\"\'<>()[]{},;!?#$%&*+=|~^`';

/**
 * The result of checking a name against a policy (draft-hallambaker-mesh-reference-03 section
 * 7.6.2).
 */
export interface AccountNameCheck {
  readonly valid: boolean;
  /** The name as the service knows it (lower case), when valid. */
  readonly name?: string;
  /** Why it was refused. */
  readonly reason?: string;
  /** The refused characters the name holds, without repeats. */
  readonly invalidCharacters?: string;
}

/**
 * The service's key for an account: the lower-cased local part (docs/module-contracts.md section
 * 4).
 */
export function canonicalAccountName(name: string): string {
  return name.toLowerCase();
}

/**
 * Check an account name (draft-hallambaker-mesh-reference-03 section 7.6): length within the
 * policy, only ACCOUNT_CHARACTERS, starting and ending with a letter or digit, no '..'. The local
 * part only: '@' is refused.
 */
export function checkAccountName(
  name: string,
  policy: AccountPolicy = DEFAULT_ACCOUNT_POLICY,
): AccountNameCheck {
  const bad = [...new Set(name.replace(/[A-Za-z0-9._-]/g, ''))].join('');
  if (bad.length > 0) {
    const reason = name.includes('@')
      ? 'Account is the local part only (without @service)'
      : `Account holds characters that are not allowed (${ACCOUNT_CHARACTERS} only)`;
    return { valid: false, reason, invalidCharacters: bad };
  }
  if (name.length < policy.minimum || name.length > policy.maximum) {
    return {
      valid: false,
      reason: `Account must be ${policy.minimum} to ${policy.maximum} characters long`,
    };
  }
  if (!/^[A-Za-z0-9](.*[A-Za-z0-9])?$/.test(name)) {
    return { valid: false, reason: 'Account must start and end with a letter or digit' };
  }
  if (name.includes('..')) {
    return { valid: false, reason: 'Account must not hold two dots in a row' };
  }
  return { valid: true, name: canonicalAccountName(name) };
}

/** The canonical name of a valid account; MeshError INVALID_MESSAGE naming the field otherwise. */
export function requireAccountName(
  name: string,
  field = 'Account',
  policy: AccountPolicy = DEFAULT_ACCOUNT_POLICY,
): string {
  const check = checkAccountName(name, policy);
  if (!check.valid || check.name === undefined) {
    throw new MeshError('INVALID_MESSAGE', `${field}: ${check.reason ?? 'not a valid account'}`, {
      field,
    });
  }
  return check.name;
}
