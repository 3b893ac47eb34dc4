/**
 * Verified profiles, kept (docs/architecture.md section 10): verifying a personal profile checks
 * every signature in its chain, and the same version authenticates many requests, so each signed
 * object is verified once and remembered by its exact text. A failure is not remembered; a success
 * does not depend on the field name its errors would have named.
 */
import type { VerifiedConnectionRequest } from '../shared/profiles/connection';
import { verifyConnectionRequest } from '../shared/profiles/connection';
import type { VerifiedPersonalProfile } from '../shared/profiles/personal-profile';
import { verifyPersonalProfileChain } from '../shared/profiles/personal-profile';
import type { JwsVerifier, SignedObject } from '../shared/profiles/signed-object';

class Remembered<T, K = string> {
  private readonly entries = new Map<K, Promise<T>>();

  constructor(private readonly limit: number) {}

  /** Keep `value` under `key` (most recently used). */
  set(key: K, value: Promise<T>): void {
    this.entries.delete(key);
    if (this.entries.size >= this.limit) {
      this.entries.delete(this.entries.keys().next().value as K);
    }
    this.entries.set(key, value);
  }

  get(key: K, make: () => Promise<T>): Promise<T> {
    const found = this.entries.get(key);
    if (found !== undefined) {
      // Most recently used last.
      this.entries.delete(key);
      this.entries.set(key, found);
      return found;
    }
    const made = make();
    if (this.entries.size >= this.limit) {
      this.entries.delete(this.entries.keys().next().value as K);
    }
    this.entries.set(key, made);
    made.catch(() => this.entries.delete(key));
    return made;
  }
}

/** The verified profiles and connection requests of one service process. */
export class VerifiedProfiles {
  private readonly personal = new Remembered<VerifiedPersonalProfile>(4096);
  private readonly requests = new Remembered<VerifiedConnectionRequest>(1024);
  /** Stored personal profile versions, by TransactionID (a stored row never changes). */
  private readonly stored = new Remembered<VerifiedPersonalProfile, number>(4096);

  constructor(private readonly verify: JwsVerifier) {}

  /** verifyPersonalProfileChain, remembered. */
  personalProfile(signed: SignedObject, field = 'Profile'): Promise<VerifiedPersonalProfile> {
    return this.personal.get(`${signed.Identifier}\n${signed.SignedData}`, () =>
      verifyPersonalProfileChain(signed, this.verify, field),
    );
  }

  /**
   * verifyPersonalProfileChain of a version not seen before (a Publish), not remembered by its
   * text: the caller remembers it by its TransactionID once stored (rememberStored). The master
   * and device profiles inside it are remembered by the verifier as usual.
   */
  newPersonalProfile(signed: SignedObject, field = 'Profile'): Promise<VerifiedPersonalProfile> {
    return verifyPersonalProfileChain(signed, this.verify, field);
  }

  /**
   * The verified chain of a stored personal profile version (a PublishedRow of type
   * PersonalProfile), by its TransactionID: no parsing of the stored text when it is remembered.
   */
  storedProfile(txId: number, signed: () => SignedObject): Promise<VerifiedPersonalProfile> {
    return this.stored.get(txId, () => this.personalProfile(signed()));
  }

  /** Remember `profile` as the version stored by transaction `txId` (just committed). */
  rememberStored(txId: number, profile: VerifiedPersonalProfile): void {
    this.stored.set(txId, Promise.resolve(profile));
  }

  /** verifyConnectionRequest, remembered. */
  connectionRequest(
    signed: SignedObject,
    field = 'SignedRequest',
  ): Promise<VerifiedConnectionRequest> {
    return this.requests.get(`${signed.Identifier}\n${signed.SignedData}`, () =>
      verifyConnectionRequest(signed, this.verify, field),
    );
  }
}
