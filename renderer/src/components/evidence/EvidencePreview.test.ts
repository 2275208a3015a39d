// The evidence preview component with previews shaped as main sends them (the bytes base64):
// images as blob: URLs released on unmount, text with its truncation note, every reason for
// no preview in words, and a failed load that can be retried. PDFs are drawn by pdf.js in
// real Chromium (test/e2e/evidence-preview.test.ts).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, mount } from '@vue/test-utils';
import { EvidencePreview as PreviewSchema, type EvidencePreview as PreviewData } from '../../../../core/api/contract-evidence';
import { sniffMedia } from '../../../../core/assessment/media-sniff';
import { createAppI18n } from '../../i18n';
import EvidencePreview from './EvidencePreview.vue';

const i18n = (lang: 'ja' | 'en' = 'en') => ({ global: { plugins: [createAppI18n(lang)] } });
const PNG_BASE64 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==';
const PNG = Uint8Array.from(atob(PNG_BASE64), (c) => c.charCodeAt(0));
const utf8 = (text: string) => new TextEncoder().encode(text);
const base64 = (b: Uint8Array) => btoa(Array.from(b, (x) => String.fromCharCode(x)).join(''));

/** The preview main sends for these bytes (kind from core's sniffer, checked against the contract). */
async function previewOf(bytes: Uint8Array, options: { limit?: number; textBytes?: number } = {}): Promise<PreviewData> {
  const limit = options.limit ?? 100_000;
  const { kind, mediaType } = sniffMedia(bytes);
  const sent = kind === 'text' ? bytes.subarray(0, options.textBytes ?? bytes.length) : bytes;
  const reason = bytes.length > limit ? 'too-large' : kind === 'none' ? 'unsupported' : null;
  return PreviewSchema.parse({ hash: 'a'.repeat(64), kind, mediaType, size: bytes.length, data: reason ? null : base64(sent), truncated: !reason && sent.length < bytes.length, limit, reason });
}

function mountWith(loader: () => Promise<PreviewData | null>, name = 'screen.png', lang: 'ja' | 'en' = 'en') {
  return mount(EvidencePreview, { props: { name, hash: 'a'.repeat(64), loader }, ...i18n(lang) });
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('EvidencePreview', () => {
  it('shows name, size, type and SHA-256, and an image from a blob: URL released on unmount', async () => {
    const created: Blob[] = [];
    vi.spyOn(URL, 'createObjectURL').mockImplementation((b) => {
      created.push(b as Blob);
      return 'blob:app/1';
    });
    const revoke = vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => undefined);
    const data = await previewOf(PNG);
    const w = mountWith(async () => data);
    expect(w.get('[data-testid="evidence-preview-panel"]').attributes('data-state')).toBe('loading');
    await flushPromises();
    const img = w.get('[data-testid="evidence-preview-image"]');
    expect(img.attributes('src')).toBe('blob:app/1');
    expect(img.attributes('alt')).toBe('Image screen.png');
    expect(created[0]!.type).toBe('image/png');
    expect(new Uint8Array(await created[0]!.arrayBuffer())).toEqual(PNG);
    expect(w.get('[data-testid="evidence-preview-name"]').text()).toBe('screen.png');
    expect(w.get('[data-testid="evidence-preview-size"]').text()).toBe('70 bytes');
    expect(w.get('[data-testid="evidence-preview-sha256"]').text()).toBe('a'.repeat(64));
    expect(w.text()).toContain('image/png');
    w.unmount();
    expect(revoke).toHaveBeenCalledWith('blob:app/1');
  });

  it('shows text in a <pre>, as characters (markup is not interpreted), with a note when only the start was sent', async () => {
    const data = await previewOf(utf8('<b>認証</b> ポリシー\n'.repeat(40)), { textBytes: 99 });
    const w = mountWith(async () => data, 'policy.txt', 'ja');
    await flushPromises();
    const pre = w.get('[data-testid="evidence-preview-text"]');
    expect(pre.element.tagName).toBe('PRE');
    expect(pre.element.querySelector('b')).toBeNull();
    expect(pre.text().startsWith('<b>認証</b> ポリシー')).toBe(true);
    expect(w.text()).toContain('先頭の');
  });

  it.each([
    ['modified', 'no longer matches its SHA-256'],
    ['missing', 'The stored file is missing'],
    ['empty', 'The file is empty'],
    ['unreadable', 'could not be read'],
  ] as const)('explains a %s file instead of showing it', async (reason, words) => {
    const data: PreviewData = { hash: 'a'.repeat(64), kind: 'image', mediaType: 'image/png', size: 10, data: null, truncated: false, limit: 100, reason };
    const w = mountWith(async () => data);
    await flushPromises();
    expect(w.get('[data-testid="evidence-preview-message"]').text()).toContain(words);
    expect(w.find('[data-testid="evidence-preview-image"]').exists()).toBe(false);
  });

  it('names the sizes of a file over the limit, and says why an SVG is not shown', async () => {
    const big = await previewOf(PNG, { limit: 10 });
    const w = mountWith(async () => big);
    await flushPromises();
    expect(w.get('[data-testid="evidence-preview-message"]').text()).toBe('This file (70 bytes) is over the preview limit (10 bytes). Open it outside the app; its SHA-256 identifies it.');
    const huge: PreviewData = { hash: 'a'.repeat(64), kind: 'image', mediaType: 'image/png', size: 70, data: null, truncated: false, pixels: { width: 30_000, height: 30_000 }, limit: 1000, reason: 'too-many-pixels' };
    const h = mountWith(async () => huge);
    await flushPromises();
    expect(h.get('[data-testid="evidence-preview-message"]').text()).toContain('This image is 30,000 × 30,000 pixels, more than the app displays (67 megapixels)');
    const svg = await previewOf(utf8('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'));
    const s = mountWith(async () => svg, 'diagram.svg', 'ja');
    await flushPromises();
    expect(s.get('[data-testid="evidence-preview-message"]').text()).toContain('SVG');
    expect(s.find('svg script').exists()).toBe(false);
  });

  it('offers to retry when the preview could not be loaded, and loads again on request', async () => {
    const data = await previewOf(utf8('ok\n'));
    const loader = vi.fn<() => Promise<PreviewData | null>>().mockResolvedValueOnce(null).mockResolvedValueOnce(data);
    const w = mountWith(loader, 'notes.txt');
    await flushPromises();
    expect(w.get('[data-testid="evidence-preview-message"]').text()).toBe('The preview could not be loaded.');
    await w.get('button').trigger('click');
    await flushPromises();
    expect(loader).toHaveBeenCalledTimes(2);
    expect(w.get('[data-testid="evidence-preview-text"]').text()).toBe('ok');
  });
});
