// English messages of the desktop screens (same keys as desktop.ja.ts).
import type desktopJa from './desktop.ja';

const desktopEn: typeof desktopJa = {};

export default desktopEn;
