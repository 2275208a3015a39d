/**
 * The only way the app opens anything outside itself: links to an explicit, tiny list of
 * https hosts, opened in the user's browser.
 *
 * #region SECURITY-SENSITIVE — shell.openExternal with an attacker-chosen URL can run
 * programs (file:, smb:, custom handlers). Nothing else in electron/ may call it; a test
 * scans the sources to keep it that way.
 */
import { shell } from 'electron';

/**
 * Hosts the app may open in the browser. NIST publishes SP 800-63-4 (the clauses criteria
 * packs cite) on pages.nist.gov. Add a host only with a reason next to it.
 */
export const EXTERNAL_HOSTS: readonly string[] = Object.freeze(['pages.nist.gov']);

/** True only for `https://<allowlisted host>/...` with no credentials and no custom port. */
export function isAllowedExternalUrl(url: string, hosts: readonly string[] = EXTERNAL_HOSTS): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  return (
    u.protocol === 'https:' &&
    u.username === '' &&
    u.password === '' &&
    u.port === '' &&
    hosts.includes(u.hostname)
  );
}

/**
 * Opens an allowlisted URL in the user's browser; refuses everything else.
 * Resolves to whether the URL was opened.
 */
export async function openExternal(url: string): Promise<boolean> {
  if (!isAllowedExternalUrl(url)) return false;
  // Re-serialised by URL so what we hand to the OS is exactly what we checked.
  await shell.openExternal(new URL(url).href);
  return true;
}
// #endregion
