// Japanese messages of the desktop screens. Spread into ja.ts; desktop.en.ts is typed against this file.
// vue-i18n treats { } @ $ | as syntax: write them as {'@'} etc. if a message ever needs one.
const desktopJa = {};

export default desktopJa;
