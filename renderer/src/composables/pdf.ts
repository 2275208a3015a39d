// pdf.js, set up for files we do not trust: evidence comes from the organization being
// assessed, and packages from whoever sent them. The library loads only when a PDF preview
// opens (its own chunk), and its worker is a file of the app's build (CSP: 'self').
//
// #region SECURITY-SENSITIVE — every option below closes a way for a PDF to run code or
// reach the network; review before changing any of them.
import type { PDFDocumentProxy, RenderTask } from 'pdfjs-dist';

type PdfJs = typeof import('pdfjs-dist');

let library: Promise<PdfJs> | null = null;

function pdfjs(): Promise<PdfJs> {
  library ??= Promise.all([import('pdfjs-dist'), import('pdfjs-dist/build/pdf.worker.min.mjs?url')]).then(([lib, worker]) => {
    lib.GlobalWorkerOptions.workerSrc = worker.default;
    return lib;
  });
  return library;
}

/** Images above this many pixels are not decoded (a tiny PDF can declare a huge image). */
const MAX_IMAGE_PIXELS = 64 * 1024 * 1024;
/**
 * Most pixels a page's canvas gets (64 MB of RGBA): a page may declare any size, so beyond
 * this the page is drawn at a lower resolution instead of exhausting memory.
 */
const MAX_CANVAS_PIXELS = 16 * 1024 * 1024;

const HOSTILE_FILE_OPTIONS = {
  // Fonts are never compiled into JavaScript functions (and CSP forbids eval anyway).
  isEvalSupported: false,
  // XFA forms are HTML-like content; the document's static pages are what is evidence.
  enableXfa: false,
  // No URLs are given for CMaps, standard fonts, ICC profiles or wasm, and nothing fetches
  // them: a PDF cannot make the app load anything. Missing CMaps or fonts fall back.
  useWorkerFetch: false,
  useWasm: false,
  // Embedded fonts are drawn as glyph outlines by pdf.js itself rather than handed to the
  // browser's font engine as @font-face: a hostile font never reaches that parser, and the
  // library's inline-<style> fallback for font loading (which the CSP would block) never runs.
  disableFontFace: true,
  disableRange: true,
  disableStream: true,
  disableAutoFetch: true,
  maxImageSize: MAX_IMAGE_PIXELS,
  // Warnings about malformed files are expected for hostile input; errors still surface.
  verbosity: 0,
} as const;
// #endregion

/** An opened PDF: its page count and a way to draw one page. */
export interface PdfView {
  pageCount: number;
  /** Size of page `page` (1-based) at zoom 1, in CSS pixels. */
  pageSize(page: number): Promise<{ width: number; height: number }>;
  /**
   * Draws page `page` (1-based) at `zoom` (1 = 96 dpi) into `canvas`, sharp on high-density
   * screens. A render still running on the same canvas is cancelled first.
   * @returns the page's size in CSS pixels
   */
  renderPage(page: number, canvas: HTMLCanvasElement, zoom: number): Promise<{ width: number; height: number }>;
  destroy(): Promise<void>;
}

/** True when a PDF needs a password: the preview does not prompt for one. */
export function isPasswordProtected(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { name?: unknown }).name === 'PasswordException';
}

/** True for the error pdf.js raises when a render is cancelled by a newer one. */
export function isRenderCancelled(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { name?: unknown }).name === 'RenderingCancelledException';
}

/**
 * Opens a PDF from its bytes (they are handed to the worker: do not use them afterwards).
 * Rejects when the file is not a PDF pdf.js can read (damaged), or needs a password
 * (`isPasswordProtected`): without an `onPassword` callback pdf.js rejects instead of asking.
 */
export async function openPdf(bytes: Uint8Array<ArrayBuffer>): Promise<PdfView> {
  const lib = await pdfjs();
  const task = lib.getDocument({ ...HOSTILE_FILE_OPTIONS, data: bytes });
  const doc: PDFDocumentProxy = await task.promise;
  const running = new WeakMap<HTMLCanvasElement, RenderTask>();
  return {
    pageCount: doc.numPages,
    async pageSize(pageNumber) {
      const viewport = (await doc.getPage(pageNumber)).getViewport({ scale: 96 / 72 });
      return { width: viewport.width, height: viewport.height };
    },
    async renderPage(pageNumber, canvas, zoom) {
      running.get(canvas)?.cancel();
      const page = await doc.getPage(pageNumber);
      // PDF units are 1/72 inch; CSS pixels 1/96.
      const viewport = page.getViewport({ scale: zoom * (96 / 72) });
      const ratio = Math.min(window.devicePixelRatio || 1, Math.sqrt(MAX_CANVAS_PIXELS / Math.max(1, viewport.width * viewport.height)));
      canvas.width = Math.floor(viewport.width * ratio);
      canvas.height = Math.floor(viewport.height * ratio);
      // CSSOM properties, not a style attribute: allowed by the CSP's style-src 'self'.
      canvas.style.width = `${Math.floor(viewport.width)}px`;
      canvas.style.height = `${Math.floor(viewport.height)}px`;
      const render = page.render({ canvas, viewport, ...(ratio !== 1 && { transform: [ratio, 0, 0, ratio, 0, 0] }), background: '#ffffff' });
      running.set(canvas, render);
      try {
        await render.promise;
      } finally {
        if (running.get(canvas) === render) running.delete(canvas);
      }
      return { width: Math.floor(viewport.width), height: Math.floor(viewport.height) };
    },
    async destroy() {
      await doc.destroy();
    },
  };
}
