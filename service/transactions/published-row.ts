/**
 * Building the stored row of a published personal profile version
 * (draft-hallambaker-mesh-reference-03 section 7.9).
 */
import type { VerifiedPersonalProfile } from '../../shared/profiles/personal-profile';
import type { SignedObject } from '../../shared/profiles/signed-object';
import { canonicalIdentifier } from '../identifiers';
import type { PublishedRow } from '../storage/rows';

/** The row of a personal profile version, with its Device and Name search terms. */
export function profileRow(
  txId: number,
  identifier: string,
  account: string,
  published: number,
  signed: SignedObject,
  profile: VerifiedPersonalProfile,
): PublishedRow {
  const devices = profile.devices.map(
    (device) => ['Device', canonicalIdentifier(device.identifier)] as const,
  );
  const names = (profile.profile.Names ?? []).map((name) => ['Name', name] as const);
  return {
    txId,
    identifier,
    type: 'PersonalProfile',
    account,
    published,
    entry: JSON.stringify({ Identifier: signed.Identifier, SignedData: signed.SignedData }),
    latest: true,
    keys: [...devices, ...names],
  };
}
