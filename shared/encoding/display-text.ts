/**
 * Text from other parties made safe to show (a device's name, an account name, a profile's
 * Names, a service's StatusDescription): control characters (C0 but newline where kept, DEL, C1,
 * so no terminal escape sequence; Unicode TR 36 section 3) and the bidirectional overrides and
 * isolates that can reorder what is shown (Unicode TR 9, the "Trojan Source" trick, CVE-2021-42574)
 * are each replaced by U+FFFD, so the reader sees that something was there. Used by the CLI for
 * every line it prints; the renderer passes such text through it too (one function for the
 * idea in both).
 */

// C0 except TAB and LF, DEL, C1; LRE..RLO, LRI..PDI, ALM.
const UNSAFE_KEEPING_LAYOUT =
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\u061c]/g;
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\u061c]/g;

/**
 * `text` with every control or bidi-override character replaced by U+FFFD. With `keepLayout`,
 * line feeds and tabs stay (the CLI's own lines and columns; neither starts an escape sequence).
 */
export function displayText(text: string, options: { keepLayout?: boolean } = {}): string {
  return text.replace(options.keepLayout === true ? UNSAFE_KEEPING_LAYOUT : UNSAFE, '\ufffd');
}
