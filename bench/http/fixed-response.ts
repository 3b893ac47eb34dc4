/** A captured HTTP response, as the bare server replays it (bytes carried as base64). */
export interface FixedResponse {
  readonly status: number;
  readonly contentType: string;
  readonly body: Uint8Array;
}

/** The JSON text handed to the bare server process. */
export function encodeFixedResponse(response: FixedResponse): string {
  return JSON.stringify({
    status: response.status,
    contentType: response.contentType,
    body: Buffer.from(response.body).toString('base64'),
  });
}

/** Read what encodeFixedResponse wrote. */
export function decodeFixedResponse(text: string): FixedResponse {
  const parsed = JSON.parse(text) as { status: number; contentType: string; body: string };
  return {
    status: parsed.status,
    contentType: parsed.contentType,
    body: new Uint8Array(Buffer.from(parsed.body, 'base64')),
  };
}
