// English messages of the preview screens (same keys as preview.ja.ts).
import type previewJa from './preview.ja';

const previewEn: typeof previewJa = {};

export default previewEn;
