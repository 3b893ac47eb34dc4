/**
 * Rotate application keys (docs/architecture.md sections 3 and 7 "Remove a device": "rotate and
 * re-wrap application keys; the removed device can no longer ... decrypt new entries"). For each
 * application whose key is still wrapped for a device the profile no longer lists:
 *   1. a new random key and a new container;
 *   2. every current record of the (already synced) catalog sealed under the new key and
 *      uploaded to the new container - deletions too, so the new container alone is the catalog;
 *   3. one new personal profile version pointing each application at its new container, with the
 *      new key wrapped for the remaining devices only;
 *   4. this device's replica moves to the new container.
 * Other devices notice the new container in their next Status, fetch the profile, download the
 * new container and carry over any record that reached the old one too late. A failure before
 * step 3 leaves an unused container and changes nothing else; the next sync tries again.
 */
import { MeshError } from '../../../../shared/errors';
import { findCatalogApplication } from '../application-entry';
import { applicationEntryFor, withApplication } from '../application-profiles';
import { newCatalogKey, type CatalogKey } from '../application-key';
import type { CatalogType } from '../catalog-kinds';
import type { SealedEntry } from '../catalog-replica';
import { catalogsOf } from '../catalog-set';
import type { MeshServiceClient } from '../../protocol/mesh-service-client';
import type { DeviceContext } from '../../session/device-context';
import { updatePersonalProfile } from '../../profile/update-personal-profile';
import type { SyncPosition } from '../../store/records';
import { EMPTY_CONTAINER_DIGEST } from '../../../../shared/protocol/container-digest';
import { appendBatch } from './upload-container';
import { uploadLimits } from './upload-limits';

interface PreparedRotation {
  readonly type: CatalogType;
  readonly from: string;
  readonly key: CatalogKey;
  readonly entries: SealedEntry[];
  readonly position: SyncPosition;
  readonly seqs: number[];
}

/**
 * Rotate the keys of `types` on this administrator device (module comment). The catalogs must
 * have been synced just before (syncCatalogs does both). CONFLICT when another device changed
 * one of these applications meanwhile; nothing is published then.
 */
export async function rotateApplicationKeys(
  context: DeviceContext,
  client: MeshServiceClient,
  types: readonly CatalogType[],
  options: { signal?: AbortSignal | undefined; onProgress?: (type: CatalogType) => void } = {},
): Promise<CatalogType[]> {
  if (types.length === 0) return [];
  const binding = context.requireAccount();
  await context.administrationKey();
  const catalogs = catalogsOf(context);
  const profile = await context.personalProfile();
  const limits = await uploadLimits(context, client, options.signal);
  const prepared: PreparedRotation[] = [];
  for (const type of types) {
    const application = findCatalogApplication(profile, type);
    if (application === undefined) continue;
    options.onProgress?.(type);
    const replica = await catalogs.replica(type);
    if (replica.currentKey?.container !== application.Container) {
      throw new MeshError(
        'NOT_A_RECIPIENT',
        `this device cannot read the ${type} application, so it cannot re-encrypt it`,
        { type },
      );
    }
    const key = newCatalogKey(type, application.Identifier);
    const { payloads, seqs } = replica.sealAll(key);
    let position: SyncPosition = {
      container: key.container,
      index: 0,
      digest: EMPTY_CONTAINER_DIGEST,
      updated: context.timestamp(),
    };
    const entries: SealedEntry[] = [];
    for (let start = 0; start < payloads.length;) {
      const items: Array<{ payload: string }> = [];
      let bytes = 0;
      while (start < payloads.length && items.length < limits.maxEntries) {
        const payload = payloads[start]!;
        if (items.length > 0 && bytes + payload.length > limits.maxPayloadBytes) break;
        items.push({ payload });
        bytes += payload.length;
        start++;
      }
      const accepted = await appendBatch(client, { container: key.container, items }, position, {
        account: binding.account,
        signal: options.signal,
        timestamp: () => context.timestamp(),
      });
      if (accepted === 'conflict') {
        throw new MeshError('CONFLICT', `the new container ${key.container} is already in use`, {
          container: key.container,
        });
      }
      if (accepted === 'too-large') {
        // The re-encrypted catalog must be whole; the rotation is tried again at the next sync.
        throw new MeshError(
          'TOO_LARGE',
          `the service refused part of the re-encrypted ${type} catalog as too large`,
          { container: key.container, limit: limits.maxPayloadBytes, size: bytes },
        );
      }
      accepted.indexes.forEach((index, i) => entries.push({ index, payload: items[i]!.payload }));
      position = accepted.position;
    }
    prepared.push({ type, from: application.Container, key, entries, position, seqs });
  }
  if (prepared.length === 0) return [];

  await updatePersonalProfile(
    context,
    async (current) => {
      let applications = [...current.profile.Applications];
      for (const rotation of prepared) {
        const application = findCatalogApplication(current, rotation.type);
        if (application?.Container !== rotation.from) {
          throw new MeshError(
            'CONFLICT',
            `the ${rotation.type} application changed while this device rotated its key; sync again`,
            { type: rotation.type },
          );
        }
        applications = withApplication(
          applications,
          await applicationEntryFor(rotation.key, current, application),
        );
      }
      return {
        SignedMasterProfile: current.profile.SignedMasterProfile,
        Devices: current.profile.Devices,
        Applications: applications,
      };
    },
    { signal: options.signal },
  );
  for (const rotation of prepared) {
    const replica = await catalogs.replica(rotation.type);
    replica.rotated(rotation.key, rotation.entries, rotation.position, rotation.seqs);
  }
  return prepared.map((rotation) => rotation.type);
}
