/**
 * The last steps shared by creating an account and recovering one onto a fresh home
 * (docs/architecture.md section 7, "Create" and "Escrow and recover"): bind the home to the account
 * as an administrator device, and announce it connected.
 */
import type { AccountAddress } from '../protocol/account-address';
import type { DeviceContext } from '../session/device-context';
import { writeAccountBinding } from '../session/device-records';

/** The account a home administers and the fingerprints to show (docs/architecture.md section 7). */
export interface AdministeredAccount {
  readonly address: string;
  readonly account: string;
  /** UDF of the master profile: the account's fingerprint. */
  readonly profileUdf: string;
  /** UDF of this device's profile. */
  readonly deviceUdf: string;
  readonly deviceName: string;
}

/** Bind the home of `context` to `address` as an administrator device, connected now. */
export function bindAdministrator(
  context: DeviceContext,
  address: AccountAddress,
  device: { readonly profileUdf: string; readonly deviceUdf: string; readonly deviceName: string },
): AdministeredAccount {
  const account: AdministeredAccount = {
    address: address.text,
    account: address.account,
    ...device,
  };
  writeAccountBinding(context.store, {
    ...account,
    role: 'administrator',
    connected: context.timestamp(),
  });
  return account;
}

/** Tell the home's listeners that it is connected to `account` (the `connection-state` event). */
export function announceConnected(context: DeviceContext, account: AdministeredAccount): void {
  context.events.emit('connection-state', {
    state: 'connected',
    account: account.address,
    deviceUdf: account.deviceUdf,
  });
}
