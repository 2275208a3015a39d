/**
 * The part of pdfmake 0.3's Node API the report renderer uses (the package ships no types).
 * `pdfmake` exports one shared instance; fonts and access policies are set on it.
 */
declare module 'pdfmake' {
  interface PdfMakeOutputDocument {
    getBuffer(): Promise<Buffer>;
  }
  interface PdfMakeFontFiles {
    normal: string;
    bold: string;
    italics: string;
    bolditalics: string;
  }
  interface PdfMake {
    /** Called before any URL (fonts, images) is fetched; anything but `true` refuses it. */
    setUrlAccessPolicy(callback: ((url: string) => boolean) | undefined): void;
    /** Called before any local file (fonts, images, attachments) is read; anything but `true` refuses it. */
    setLocalAccessPolicy(callback: ((path: string) => boolean) | undefined): void;
    setFonts(fonts: Record<string, PdfMakeFontFiles>): void;
    createPdf(docDefinition: object, options?: object): PdfMakeOutputDocument;
  }
  const pdfmake: PdfMake;
  export default pdfmake;
}

/** pdfmake's page renderer (internal): report-pdf-inlines.ts hooks its line writer. */
declare module 'pdfmake/js/Renderer' {
  const Renderer: { prototype: object };
  export default Renderer;
}
