/** Reports: the report model, templates, the report vocabulary, and the pure parts of the renderers. */
export * from './model';
export * from './template';
export * from './text';
export { pdfDocDefinition, PDF_FONT, CELL_CHARS, clean, type PdfDocDefinition } from './pdf-layout';
export { addReportStyles, patchSheetXml, type SheetStyles } from './sheet-xml';
