/** A captured HTTP response, as the bare server replays it (bytes carried as base64). */
export interface FixedResponse {
  readonly status: number;
  /** Response headers to repeat, lower-case names; never date, length or connection ones. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Uint8Array;
}

// Headers node:http writes itself, or that describe one connection rather than the reply.
const perReplyHeaders = new Set([
  'date',
  'content-length',
  'connection',
  'keep-alive',
  'transfer-encoding',
]);

/** The headers of a captured reply worth repeating. */
export function replayableHeaders(headers: Headers): Record<string, string> {
  const kept: Record<string, string> = {};
  headers.forEach((value, name) => {
    if (!perReplyHeaders.has(name.toLowerCase())) kept[name.toLowerCase()] = value;
  });
  return kept;
}

/** The JSON text handed to the bare server process. */
export function encodeFixedResponse(response: FixedResponse): string {
  return JSON.stringify({
    status: response.status,
    headers: response.headers,
    body: Buffer.from(response.body).toString('base64'),
  });
}

/** Read what encodeFixedResponse wrote. */
export function decodeFixedResponse(text: string): FixedResponse {
  const parsed = JSON.parse(text) as {
    status: number;
    headers: Record<string, string>;
    body: string;
  };
  return {
    status: parsed.status,
    headers: parsed.headers,
    body: new Uint8Array(Buffer.from(parsed.body, 'base64')),
  };
}
