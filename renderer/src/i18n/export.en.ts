// English messages of the export screens (same keys as export.ja.ts).
import type exportJa from './export.ja';

const exportEn: typeof exportJa = {};

export default exportEn;
