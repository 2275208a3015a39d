// The browser bridge hands its per-run token to the page in the URL fragment, which the
// browser never sends to any server. We take it once at start-up and remove it from the
// address bar so it does not linger in history, bookmarks or screen shares; after that it
// lives only in memory (so a reload needs the printed address again — by design).

let token: string | null = null;

/** Reads `#token=…` from the current address, keeps it in memory and strips it from the URL. */
export function takeTokenFromLocation(loc: Location = window.location, hist: History = window.history): string | null {
  const fragment = new URLSearchParams(loc.hash.replace(/^#/, ''));
  const found = fragment.get('token');
  if (found) {
    token = found;
    fragment.delete('token');
    const rest = fragment.toString();
    hist.replaceState(hist.state, '', loc.pathname + loc.search + (rest ? `#${rest}` : ''));
  }
  return token;
}

export function currentToken(): string | null {
  return token;
}
