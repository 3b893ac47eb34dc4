/** Hello (seed 001 7.5; seed 004 10.5): versions, account policy, service key and limits. */
import { INVALID_ACCOUNT_CHARACTERS } from '../../shared/protocol/account-name';
import { STATUS } from '../../shared/protocol/status-codes';
import type { Handler } from './context';
import { respond } from './context';

/** Answer Hello: always 200. */
export const hello: Handler<'Hello'> = async (context) => {
  const { limits, accountPolicy, authenticationWindowMs, clock } = context.options;
  return respond(STATUS.OK, {
    Version: { Major: 1, Minor: 0, Encodings: [{ ID: ['application/json'] }] },
    Alternates: [],
    PolicyAccount: {
      Minimum: accountPolicy.minimum,
      Maximum: accountPolicy.maximum,
      InvalidCharacters: INVALID_ACCOUNT_CHARACTERS,
    },
    ServiceKey: context.serviceKey.publicKey,
    Time: new Date(clock()).toISOString(),
    Limits: {
      MaxRequestBytes: limits.maxRequestBytes,
      MaxEntriesPerPage: limits.maxEntriesPerPage,
      MaxPendingConnections: limits.maxPendingConnections,
      RequestsPerSecond: limits.requestsPerSecond,
      RequestBurst: limits.requestBurst,
      MaxWaitSeconds: limits.maxWaitSeconds,
      AuthenticationWindowSeconds: Math.floor(authenticationWindowMs / 1000),
    },
  });
};
