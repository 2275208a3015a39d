/**
 * The product's one Content Security Policy (defined with the app:// protocol in
 * electron/main/security/csp.ts) and the form renderer/index.html must carry in its <meta>.
 */
import { CONTENT_SECURITY_POLICY } from '../../electron/main/security/csp';

export { CONTENT_SECURITY_POLICY };

/** Browsers ignore frame-ancestors in a <meta> policy (and log an error), so the meta omits it. */
export const META_CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY.split(';')
  .map((directive) => directive.trim())
  .filter((directive) => !directive.startsWith('frame-ancestors'))
  .join('; ');
