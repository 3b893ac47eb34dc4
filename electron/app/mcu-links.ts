/**
 * `mcu://ACCOUNT/PIN` links (docs/architecture.md section 7; the PIN-authenticated connection of
 * draft-hallambaker-mesh-protocol-00 §8.2): the program registers itself as the handler of the
 * `mcu` scheme, and a link opened anywhere (a browser, a QR reader, another program) brings the
 * window forward on the connect screen with the link filled in. Links arrive as a command-line
 * argument of a second instance (Windows, Linux), or through `open-url` (macOS). A link that is not
 * a well-formed connection URI is dropped without being echoed (it may hold a PIN).
 */
import { parseConnectionUri, CONNECTION_URI_SCHEME } from '../core/connect/connection-uri';

/** The longest link taken (a real one is well under 300 characters). */
const MAX_LINK_LENGTH = 1024;

/** The link, or null when `text` is not a well-formed `mcu://ACCOUNT/PIN`. */
export function checkMcuLink(text: string): string | null {
  if (text.length > MAX_LINK_LENGTH || /\p{Cc}/u.test(text)) return null;
  try {
    parseConnectionUri(text);
    return text;
  } catch {
    return null;
  }
}

/** The first well-formed `mcu://` link among command-line arguments, or null. */
export function findMcuLink(argv: readonly string[]): string | null {
  for (const argument of argv) {
    if (!argument.toLowerCase().startsWith(`${CONNECTION_URI_SCHEME}:`)) continue;
    const link = checkMcuLink(argument);
    if (link !== null) return link;
  }
  return null;
}

/**
 * Makes this program the `mcu` handler and calls `open` with each well-formed link: from this
 * process's own arguments (the first launch), a second instance's, and macOS's `open-url`.
 */
export function registerMcuLinks(
  app: {
    setAsDefaultProtocolClient(scheme: string): boolean;
    on(
      event: 'open-url',
      listener: (event: { preventDefault(): void }, url: string) => void,
    ): unknown;
    on(
      event: 'second-instance',
      listener: (event: unknown, commandLine: string[]) => void,
    ): unknown;
  },
  argv: readonly string[],
  open: (link: string) => void,
): void {
  app.setAsDefaultProtocolClient(CONNECTION_URI_SCHEME);
  app.on('open-url', (event, url) => {
    event.preventDefault();
    const link = checkMcuLink(url);
    if (link !== null) open(link);
  });
  app.on('second-instance', (_event, commandLine) => {
    const link = findMcuLink(Array.isArray(commandLine) ? commandLine : []);
    if (link !== null) open(link);
  });
  const first = findMcuLink(argv);
  if (first !== null) open(first);
}
