/**
 * Hello (draft-hallambaker-mesh-reference-03 section 7.5; draft-hallambaker-mesh-protocol-00
 * section 10.5): versions, account policy, service key and limits. The answer changes only with the
 * clock, which it reports to the second, so it is encoded once a second and that encoding answers
 * every Hello meanwhile.
 */
import { INVALID_ACCOUNT_CHARACTERS } from '../../shared/protocol/account-name';
import { encodeResponse } from '../../shared/protocol/envelope';
import { STATUS } from '../../shared/protocol/status-codes';
import type { Handler, ServiceContext } from './context';
import { EncodedResponse, respond } from './context';

const encoded = new WeakMap<ServiceContext, { second: number; response: EncodedResponse }>();

function helloResponse(context: ServiceContext, second: number) {
  const { limits, accountPolicy, authenticationWindowMs } = context.options;
  return respond(STATUS.OK, {
    Version: { Major: 1, Minor: 0, Encodings: [{ ID: ['application/json'] }] },
    Alternates: [],
    PolicyAccount: {
      Minimum: accountPolicy.minimum,
      Maximum: accountPolicy.maximum,
      InvalidCharacters: INVALID_ACCOUNT_CHARACTERS,
    },
    ServiceKey: context.serviceKey.publicKey,
    Time: new Date(second * 1000).toISOString(),
    Limits: {
      MaxRequestBytes: limits.maxRequestBytes,
      MaxEntriesPerPage: limits.maxEntriesPerPage,
      MaxPendingConnections: limits.maxPendingConnections,
      RequestsPerSecond: limits.requestsPerSecond,
      RequestBurst: limits.requestBurst,
      MaxWaitSeconds: limits.maxWaitSeconds,
      AuthenticationWindowSeconds: Math.floor(authenticationWindowMs / 1000),
      MaxPublicRequestBytes: limits.maxPublicRequestBytes,
    },
  });
}

/** The Hello answer of this second, encoded once (body and bytes) and then reused. */
export function encodedHello(context: ServiceContext): EncodedResponse {
  const second = Math.floor(context.options.clock() / 1000);
  let cached = encoded.get(context);
  if (cached?.second !== second) {
    const body = encodeResponse('Hello', helloResponse(context, second));
    cached = { second, response: new EncodedResponse(STATUS.OK, body) };
    encoded.set(context, cached);
  }
  return cached.response;
}

/** Answer Hello: always 200. */
export const hello: Handler<'Hello'> = async (context) => encodedHello(context);
