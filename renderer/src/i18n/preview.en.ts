// English messages of the preview screens (same keys as preview.ja.ts).
import type previewJa from './preview.ja';

const previewEn: typeof previewJa = {
  evidencePreview: {
    open: 'Preview',
    openLabel: 'Preview {name}',
    hide: 'Hide preview',
    region: 'Preview of {name}',
    dialogTitle: 'Evidence preview',
    close: 'Close',
    loading: 'Loading the preview…',
    size: 'Size',
    type: 'Type',
    sha256: 'SHA-256',
    unknownType: 'Unknown',
    imageAlt: 'Image {name}',
    pdf: {
      toolbar: 'PDF controls',
      previous: 'Previous page',
      next: 'Next page',
      page: 'Page {page} of {count}',
      zoomIn: 'Zoom in',
      zoomOut: 'Zoom out',
      zoomReset: 'Reset to 100%',
      zoom: 'Zoom {percent}%',
      canvas: 'Page {page} of {count} of {name}',
      keys: 'Page Up / Page Down: change page; + / −: zoom',
      rendering: 'Drawing the page…',
      pageFailed: 'This page could not be displayed; other pages may still show.',
    },
    text: {
      label: 'Contents of {name}',
      truncated: 'Showing the first {shown} (the whole file is {size}).',
    },
    reason: {
      missing: 'The stored file is missing: it was moved or deleted from the assessment folder. Verify the evidence and collect the file again.',
      modified: 'The stored file no longer matches its SHA-256: it changed after it was collected, so it is not shown. Verify the evidence and collect the original again.',
      tooLarge: 'This file ({size}) is over the preview limit ({limit}). Open it outside the app; its SHA-256 identifies it.',
      tooManyPixels: 'This image is {width} × {height} pixels, more than the app displays ({max} megapixels). Open it outside the app; its SHA-256 identifies it.',
      unsupported: 'This type of file cannot be previewed in the app; its SHA-256 identifies it.',
      svg: 'SVG images are not previewed: they can contain script.',
      empty: 'The file is empty (0 bytes).',
      unreadable: 'The file could not be read. Check the disk, then try again.',
      failed: 'The preview could not be loaded.',
      pdfFailed: 'This PDF could not be displayed: the file may be damaged.',
      pdfPassword: 'This PDF is protected by a password and is not shown in the app.',
      imageFailed: 'This image could not be displayed: the file may be damaged.',
    },
    retry: 'Try again',
  },
};

export default previewEn;
