// @vitest-environment node
// Checks the BUILT renderer (out/renderer), which is what Electron and the bridge serve: the
// CSP is in place and nothing in the output needs 'unsafe-inline' or 'unsafe-eval'. Builds
// the renderer first when the output is missing or older than the sources.
import { beforeAll, describe, expect, it } from 'vitest';
import { Window } from 'happy-dom';
import { CONTENT_SECURITY_POLICY as APP_CSP, META_CONTENT_SECURITY_POLICY as META_CSP } from '../test/support/csp';
import { listBuiltFiles, readBuiltFile, readBuiltIndexHtml, readRendererSource } from '../test/support/renderer-build';

let html: string;
let doc: Document;
let files: string[];

beforeAll(async () => {
  html = await readBuiltIndexHtml();
  files = await listBuiltFiles();
  const window = new Window();
  doc = new window.DOMParser().parseFromString(html, 'text/html') as unknown as Document;
}, 120_000);

const policy = (text: string) => new Map(text.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name!, values.join(' ')]));

describe('built index.html', () => {
  it('carries the CSP as a meta tag, before any script or stylesheet', () => {
    const metas = [...doc.querySelectorAll('meta[http-equiv]')].filter((m) => m.getAttribute('http-equiv')?.toLowerCase() === 'content-security-policy');
    expect(metas).toHaveLength(1);
    expect(metas[0]!.getAttribute('content')).toBe(META_CSP);
    const first = doc.head.querySelector('meta[http-equiv], script, link, style');
    expect(first).toBe(metas[0]);
  });

  it('meta policy is the header policy minus frame-ancestors, which browsers ignore in meta', () => {
    const header = policy(APP_CSP);
    const meta = policy(META_CSP);
    expect(header.get('frame-ancestors')).toBe("'none'");
    header.delete('frame-ancestors');
    expect(meta).toEqual(header);
    expect(meta.get('default-src')).toBe("'none'");
    expect(meta.get('script-src')).toBe("'self'");
    expect(meta.get('style-src')).toBe("'self'");
    expect(APP_CSP).not.toMatch(/unsafe-|nonce-|sha256-|\*/);
  });

  it('has no inline script: every script is an external same-origin file', () => {
    const scripts = [...doc.querySelectorAll('script')];
    expect(scripts.length).toBeGreaterThan(0);
    for (const script of scripts) {
      expect(script.textContent?.trim()).toBe('');
      expect(script.getAttribute('src')).toMatch(/^\.\/assets\/[\w.-]+\.js$/);
      expect(files).toContain(script.getAttribute('src')!.slice(2));
    }
  });

  it('has no inline style: no <style> element, no style attribute, stylesheets are files', () => {
    expect(doc.querySelectorAll('style')).toHaveLength(0);
    expect(doc.querySelectorAll('[style]')).toHaveLength(0);
    const sheets = [...doc.querySelectorAll('link[rel="stylesheet"]')];
    expect(sheets.length).toBeGreaterThan(0);
    for (const link of sheets) {
      expect(link.getAttribute('href')).toMatch(/^\.\/assets\/[\w.-]+\.css$/);
      expect(files).toContain(link.getAttribute('href')!.slice(2));
    }
  });

  it('has no inline event handlers or javascript: URLs', () => {
    const all = [...doc.querySelectorAll('*')];
    const handlers = all.flatMap((el) => [...el.attributes].filter((a) => a.name.startsWith('on')).map((a) => `${el.tagName}[${a.name}]`));
    expect(handlers).toEqual([]);
    expect(html).not.toMatch(/javascript:/i);
  });
});

describe('built assets', () => {
  it('the components’ styles were extracted to the stylesheet', async () => {
    const css = (await Promise.all(files.filter((f) => f.endsWith('.css')).map(readBuiltFile))).join('\n');
    expect(css).toContain('--color-accent'); // styles/base.css
    expect(css).toMatch(/\.action-card\[data-v-[\w]+\]/); // a component's scoped <style>
  });

  it('no script adds <style> elements or stylesheets at run time', async () => {
    // pdf.js (the evidence preview's lazy chunk) carries a font loader that falls back to an
    // inline <style> @font-face; the app turns font loading off (disableFontFace), so that
    // path never runs — and the CSP would refuse it if it did.
    const pdfChunk = (f: string) => /(^|\/)pdf(\.worker\.min)?-[\w-]+\.m?js$/.test(f);
    expect(await readRendererSource('src/composables/pdf.ts')).toMatch(/disableFontFace: true/);
    const js = (await Promise.all(files.filter((f) => f.endsWith('.js') && !pdfChunk(f)).map(readBuiltFile))).join('\n');
    expect(js).not.toMatch(/createElement\(\s*[`'"]style[`'"]\s*\)/);
    expect(js).not.toMatch(/insertRule\(|adoptedStyleSheets|new CSSStyleSheet/);
    expect(js).not.toMatch(/setAttribute\(\s*[`'"]style[`'"]/);
  });
});
