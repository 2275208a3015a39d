/**
 * The Content-Security-Policy of the app, sent on every response of the `app://` protocol.
 *
 * #region SECURITY-SENSITIVE — no 'unsafe-inline', no 'unsafe-eval', no remote hosts.
 * The renderer is a Vite build: scripts and styles are files under out/renderer, so
 * 'self' is all it needs. csp.test.ts pins the exact string. Workers (pdf.js's, for evidence
 * previews) need no directive of their own: worker-src falls back to script-src 'self', and
 * the worker is a file of the build.
 */
export const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** Headers on every app:// response, errors included. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  // The MIME types we send are the truth: no sniffing a .txt into a script.
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
});
// #endregion
