/**
 * The renderer's Content-Security-Policy (Electron security checklist item 7): scripts, styles
 * and connections only from the app's own origin, no inline code, no eval, no plugins, no
 * frames, no forms, no base-URI changes. The browser harness serves the renderer with the same
 * headers, so a CSP violation shows in the renderer tests too.
 */
import type { Session } from 'electron';

/** The policy, one directive per entry. */
export const contentSecurityPolicyDirectives: readonly string[] = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
];

/** The policy as one header value. */
export const CONTENT_SECURITY_POLICY = contentSecurityPolicyDirectives.join('; ');

/** The headers every renderer answer carries: the CSP and no MIME sniffing. */
export function securityHeaders(): Record<string, string> {
  return {
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'X-Content-Type-Options': 'nosniff',
  };
}

/**
 * Adds the CSP to every response the session receives over HTTP(S) (checklist item 7); answers
 * of `app://` carry it from their own handler (app-protocol.ts).
 */
export function installContentSecurityPolicy(session: Pick<Session, 'webRequest'>): void {
  session.webRequest.onHeadersReceived((details, callback) => {
    const responseHeaders = { ...details.responseHeaders };
    for (const name of Object.keys(responseHeaders)) {
      if (name.toLowerCase() === 'content-security-policy') delete responseHeaders[name];
    }
    responseHeaders['Content-Security-Policy'] = [CONTENT_SECURITY_POLICY];
    callback({ responseHeaders });
  });
}
