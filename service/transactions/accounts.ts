/**
 * Account lookups the transactions share (draft-hallambaker-mesh-reference-03 sections 8.1.2-8.1.3):
 * an open account and its current personal profile, verified (remembered by VerifiedProfiles).
 */
import { MeshError } from '../../shared/errors';
import type { VerifiedPersonalProfile } from '../../shared/profiles/personal-profile';
import type { SignedObject } from '../../shared/profiles/signed-object';
import type { StateReader } from '../storage/backend';
import type { AccountRow, PublishedRow } from '../storage/rows';
import type { ServiceContext } from './context';

/** The open account `name`; NOT_FOUND if it does not exist or is closed. */
export async function openAccount(
  reader: StateReader,
  name: string,
  field = 'Account',
): Promise<AccountRow> {
  const account = await reader.account(name);
  if (account === undefined || account.status !== 'Open') {
    throw new MeshError('NOT_FOUND', `${field}: no such account`, { field });
  }
  return account;
}

/** The SignedObject stored in a published row. */
export function storedSignedObject(row: PublishedRow): SignedObject {
  return JSON.parse(row.entry) as SignedObject;
}

/** An account's current personal profile: its row and its verified chain. */
export interface CurrentProfile {
  readonly row: PublishedRow;
  readonly signed: SignedObject;
  readonly profile: VerifiedPersonalProfile;
}

/** The current personal profile of an open account. */
export async function currentProfile(
  context: ServiceContext,
  reader: StateReader,
  account: AccountRow,
): Promise<CurrentProfile> {
  const row = await reader.latestPublished(account.profileId);
  if (row === undefined || row.type !== 'PersonalProfile') {
    throw new MeshError('STORE_CORRUPT', 'an open account has no personal profile');
  }
  const profile = await context.profiles.storedProfile(row.txId, () => storedSignedObject(row));
  return { row, signed: profile.signed, profile };
}
