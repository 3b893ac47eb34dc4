/**
 * Publish (draft-hallambaker-mesh-reference-03 section 7.9; docs/architecture.md section 5): a new
 * version of an account's personal profile, or an escrow entry. A profile update must verify and be
 * authorized by the version it replaces (checkPersonalProfileUpdate); otherwise 401 and nothing
 * changes. With ExpectedVersion, a profile update is refused with 409 and the current version's
 * TransactionID when the account has moved on (another administrator published first): the device
 * merges and publishes again.
 */
import { MeshError } from '../../shared/errors';
import type { EscrowEntry } from '../../shared/profiles/escrow-entry';
import type { VerifiedPersonalProfile } from '../../shared/profiles/personal-profile';
import { checkPersonalProfileUpdate } from '../../shared/profiles/personal-profile';
import type { SignedObject } from '../../shared/profiles/signed-object';
import { STATUS } from '../../shared/protocol/status-codes';
import { canonicalIdentifier } from '../identifiers';
import { storedSignedObject } from './accounts';
import type { Handler, RequestContext, ServiceContext } from './context';
import { requireAuthenticated, respond, retryStale, StaleRead, submit } from './context';
import { profileRow } from './published-row';

function noAccount(): MeshError {
  return new MeshError(
    'NOT_FOUND',
    'PublishRequest.Profile: no account here holds this profile (CreateAccount first)',
    { field: 'PublishRequest.Profile' },
  );
}

/** Thrown when the version a Publish replaces is no longer the current one. */
class StaleVersion extends Error {
  constructor(readonly current: number) {
    super('stale version');
  }
}

async function publishProfile(
  context: ServiceContext,
  request: RequestContext,
  signed: SignedObject,
  expected: number | undefined,
) {
  try {
    return await publishProfileVersion(context, request, signed, expected);
  } catch (error) {
    if (!(error instanceof StaleVersion)) throw error;
    return {
      Status: STATUS.Conflict,
      StatusDescription: `PublishRequest.ExpectedVersion: the current version is ${error.current}, not the one this replaces`,
      CurrentVersion: error.current,
    };
  }
}

async function publishProfileVersion(
  context: ServiceContext,
  request: RequestContext,
  signed: SignedObject,
  expected: number | undefined,
) {
  const identifier = canonicalIdentifier(signed.Identifier, 'PublishRequest.Profile.Identifier');
  // A new version is verified once, here, and remembered by the TransactionID it is stored under
  // (rememberStored below), not by its text: a Publish brings each version once.
  let verified: Promise<VerifiedPersonalProfile> | undefined;
  return retryStale(async () => {
    const latest = await context.backend.latestPublished(identifier);
    if (latest === undefined || latest.type !== 'PersonalProfile') throw noAccount();
    const bound = await context.backend.account(latest.account);
    if (bound?.status !== 'Open' || bound.profileId !== identifier) throw noAccount();
    const previous = await context.profiles.storedProfile(latest.txId, () =>
      storedSignedObject(latest),
    );
    // The version stored already, byte for byte: nothing to verify or write.
    if (previous.signed.SignedData === signed.SignedData) {
      return respond(STATUS.OK, { Identifier: identifier, TransactionID: latest.txId });
    }
    if (expected !== undefined && expected !== latest.txId) throw new StaleVersion(latest.txId);
    verified ??= context.profiles.newPersonalProfile(signed, 'PublishRequest.Profile');
    const profile = await verified;
    checkPersonalProfileUpdate(previous, profile);
    const txId = await submit(context, request, async (scope) => {
      const now = await scope.latestPublished(identifier);
      if (now?.txId !== latest.txId) throw new StaleRead();
      const account = await scope.account(latest.account);
      if (account?.status !== 'Open' || account.profileId !== identifier) throw noAccount();
      const id = scope.append('Publish', {
        Identifier: identifier,
        Profile: { Identifier: signed.Identifier, SignedData: signed.SignedData },
      });
      scope.putPublished(profileRow(id, identifier, latest.account, scope.now, signed, profile));
      return id;
    });
    context.profiles.rememberStored(txId, profile);
    return respond(STATUS.Updated, { Identifier: identifier, TransactionID: txId });
  });
}

async function publishEscrow(context: ServiceContext, request: RequestContext, entry: EscrowEntry) {
  const name = requireAuthenticated(request.auth?.account);
  const identifier = canonicalIdentifier(entry.Identifier, 'PublishRequest.EscrowEntry.Identifier');
  // Every version is kept (published), so each counts against the account's quota.
  const stored = JSON.stringify(entry);
  const bytes = Buffer.byteLength(stored, 'utf8');
  await context.usage.check(name, bytes, 'PublishRequest.EscrowEntry');
  const { txId, first } = await submit(context, request, async (scope) => {
    const account = await scope.account(name);
    if (account?.status !== 'Open') {
      throw new MeshError('NOT_FOUND', 'Account: no such account', { field: 'Account' });
    }
    const latest = await scope.latestPublished(identifier);
    if (latest !== undefined && (latest.type !== 'EscrowEntry' || latest.account !== name)) {
      throw new MeshError('ALREADY_EXISTS', 'PublishRequest.EscrowEntry.Identifier is in use', {
        field: 'PublishRequest.EscrowEntry.Identifier',
      });
    }
    const id = scope.append('Publish', {
      Account: name,
      Identifier: identifier,
      EscrowEntry: entry,
    });
    scope.putPublished({
      txId: id,
      identifier,
      type: 'EscrowEntry',
      account: name,
      published: scope.now,
      entry: stored,
      latest: true,
      keys: [],
    });
    return { txId: id, first: latest === undefined };
  });
  context.usage.add(name, bytes);
  return respond(first ? STATUS.Created : STATUS.Updated, {
    Identifier: identifier,
    TransactionID: txId,
  });
}

/**
 * Answer Publish: 201 / 202 / 200 (already current), 401 for an unauthorized update, 409 with
 * CurrentVersion for a stale ExpectedVersion.
 */
export const publish: Handler<'Publish'> = async (context, message, request) => {
  if (message.Profile !== undefined) {
    return publishProfile(context, request, message.Profile, message.ExpectedVersion);
  }
  if (message.EscrowEntry !== undefined)
    return publishEscrow(context, request, message.EscrowEntry);
  throw new MeshError('INVALID_MESSAGE', 'PublishRequest: nothing to publish', {
    field: 'PublishRequest',
  });
};
