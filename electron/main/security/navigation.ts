/**
 * Keeps every web page of the app on the app's own origin.
 *
 * #region SECURITY-SENSITIVE — navigation.test.ts covers each handler.
 */
import type { WebContents, HandlerDetails } from 'electron';
import { isAppUrl } from './origin';
import { isAllowedExternalUrl } from './external';

export type OpenExternal = (url: string) => Promise<boolean>;

/** Navigations and redirects stay inside `app://tf-assessor`; everything else is cancelled. */
export function isNavigationAllowed(url: string): boolean {
  return isAppUrl(url);
}

/**
 * The app never opens a second web page: window.open and target=_blank are denied, and an
 * allowlisted https link is handed to the user's browser instead.
 */
export function decideWindowOpen(details: Pick<HandlerDetails, 'url'>, openExternal: OpenExternal): { action: 'deny' } {
  routeExternal(details.url, openExternal);
  return { action: 'deny' };
}

function routeExternal(url: string, openExternal: OpenExternal): void {
  if (isAllowedExternalUrl(url)) void openExternal(url).catch(() => undefined);
}

interface Cancellable {
  preventDefault(): void;
  url?: string;
}

/** The subset of WebContents we wire; structural so tests can pass a plain emitter. */
export type GuardedContents = Pick<WebContents, 'setWindowOpenHandler'> & {
  on(event: string, listener: (...args: never[]) => void): unknown;
};

/** Attaches the navigation, new-window and webview guards to one WebContents. */
export function hardenWebContents(contents: GuardedContents, openExternal: OpenExternal): void {
  const guard = (event: Cancellable, legacyUrl?: string) => {
    const url = event.url ?? legacyUrl ?? '';
    if (isNavigationAllowed(url)) return;
    event.preventDefault();
    routeExternal(url, openExternal);
  };
  contents.on('will-navigate', guard);
  contents.on('will-frame-navigate', guard);
  contents.on('will-redirect', guard);
  // <webview> is off in webPreferences; cancelling here covers any window that forgot it.
  contents.on('will-attach-webview', (event: Cancellable) => event.preventDefault());
  contents.setWindowOpenHandler((details) => decideWindowOpen(details, openExternal));
}
// #endregion
