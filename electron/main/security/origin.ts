/**
 * The app's one trusted origin. The renderer is served only from `app://tf-assessor`
 * (see ../protocol.ts); every trust decision (IPC senders, navigation) compares origins
 * exactly against APP_ORIGIN.
 */

export const APP_SCHEME = 'app';
export const APP_HOST = 'tf-assessor';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
/** What the main window loads. */
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/**
 * The origin of a URL as `scheme://host[:port]`, or null when it has none we could trust.
 *
 * WHATWG `URL.origin` is the string "null" for schemes it does not know (ours included),
 * so for `app:` we build the origin from the parsed parts ourselves; credentials in the URL
 * make it untrustworthy. Opaque origins (about:, data:, file:, blob:...) give null, so
 * they can never compare equal to anything.
 */
export function originOf(url: string): string | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  if (u.username || u.password) return null;
  if (u.protocol === `${APP_SCHEME}:`) return u.host ? `${u.protocol}//${u.host}` : null;
  if (u.origin === 'null') return null;
  return u.origin;
}

/** True when the URL belongs to the app's own origin (exact comparison, no prefixes). */
export function isAppUrl(url: string): boolean {
  return originOf(url) === APP_ORIGIN;
}
