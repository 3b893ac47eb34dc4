/**
 * Account addresses (docs/module-contracts.md section 4; docs/architecture.md section 5):
 * `local@service`, where service is a DNS name (`alice@example.com`), or a host with a port for a
 * service on a port (`alice@127.0.0.1:8080`, `alice@[::1]:8080`). The account field of messages is
 * the local part.
 */
import { isIP } from 'node:net';
import { MeshError } from '../../../shared/errors';
import { checkAccountName } from '../../../shared/protocol/account-name';

/** A parsed account address. */
export interface AccountAddress {
  /** The local part as the service knows it (lower case): the account field of messages. */
  readonly account: string;
  /** The host: a lower-case DNS name or an IP literal (IPv6 without brackets). */
  readonly host: string;
  /** The port, when the address names one. */
  readonly port: number | undefined;
  /** The service part as written after the @ (lower case, IPv6 in brackets): a stable name. */
  readonly service: string;
  /** `local@service` with the local part in lower case, the form to show and store. */
  readonly text: string;
}

const hostnamePattern =
  /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*\.?$/;

/** Parse `local@service`; INVALID_ARGUMENT naming what is wrong. */
export function parseAccountAddress(text: string): AccountAddress {
  const at = text.lastIndexOf('@');
  if (at <= 0 || at === text.length - 1) {
    throw invalid(`"${text}" is not an account address: write it local@service`);
  }
  const local = text.slice(0, at);
  const check = checkAccountName(local);
  if (!check.valid || check.name === undefined) {
    throw invalid(`the account name "${local}" is not valid: ${check.reason ?? ''}`.trim());
  }
  const { host, port } = parseService(text.slice(at + 1));
  const service = (isIP(host) === 6 ? `[${host}]` : host) + (port === undefined ? '' : `:${port}`);
  return { account: check.name, host, port, service, text: `${check.name}@${service}` };
}

function parseService(service: string): { host: string; port: number | undefined } {
  let host: string;
  let portText: string | undefined;
  const bracketed = /^\[([^\]]+)\](?::(.*))?$/.exec(service);
  if (bracketed) {
    host = bracketed[1] ?? '';
    portText = bracketed[2];
    if (isIP(host) !== 6)
      throw invalid(`"${service}" is not a service: [ ] must hold an IPv6 address`);
  } else {
    const colon = service.lastIndexOf(':');
    host = colon < 0 ? service : service.slice(0, colon);
    portText = colon < 0 ? undefined : service.slice(colon + 1);
    host = host.toLowerCase();
    if (isIP(host) !== 4 && !hostnamePattern.test(host)) {
      throw invalid(`"${service}" is not a service name (a DNS name, optionally with :port)`);
    }
    host = host.replace(/\.$/, '');
  }
  let port: number | undefined;
  if (portText !== undefined) {
    port = /^[0-9]{1,5}$/.test(portText) ? Number(portText) : Number.NaN;
    if (!(port >= 1 && port <= 65535)) throw invalid(`"${portText}" is not a port number`);
  }
  return { host, port };
}

/** True for names and addresses that can only mean this machine (plain HTTP is allowed there). */
export function isLoopbackHost(host: string): boolean {
  const name = host.toLowerCase().replace(/\.$/, '');
  if (name === 'localhost') return true;
  if (isIP(name) === 4) return name.startsWith('127.');
  if (isIP(name) === 6) return name === '::1' || name === '0:0:0:0:0:0:0:1';
  return false;
}

function invalid(message: string): MeshError {
  return new MeshError('INVALID_ARGUMENT', message, { field: 'account' });
}
