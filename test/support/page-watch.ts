/**
 * Collects what must never happen on our pages: console errors, uncaught exceptions and
 * Content Security Policy violations. Violations are reported by the page's own
 * `securitypolicyviolation` event through an exposed binding, which the CSP does not block.
 */
import type { BrowserContext, ConsoleMessage } from 'playwright-core';

export interface CspViolation {
  directive: string;
  blockedURI: string;
  sample: string;
  source: string;
}

export interface PageWatch {
  consoleErrors: string[];
  pageErrors: string[];
  cspViolations: CspViolation[];
}

export async function watchContext(context: BrowserContext): Promise<PageWatch> {
  const watch: PageWatch = { consoleErrors: [], pageErrors: [], cspViolations: [] };
  await context.exposeBinding('__tfaReportCsp', (_source, violation: CspViolation) => {
    watch.cspViolations.push(violation);
  });
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      (window as unknown as { __tfaReportCsp: (v: unknown) => void }).__tfaReportCsp({
        directive: e.violatedDirective,
        blockedURI: e.blockedURI,
        sample: e.sample,
        source: `${e.sourceFile}:${e.lineNumber}:${e.columnNumber}`,
      });
    });
  });
  context.on('console', (msg: ConsoleMessage) => {
    if (msg.type() === 'error') watch.consoleErrors.push(`${msg.text()} (${msg.location().url})`);
  });
  context.on('weberror', (err) => watch.pageErrors.push(String(err.error())));
  return watch;
}
