// Japanese messages of the export screens. Spread into ja.ts; export.en.ts is typed against this file.
// vue-i18n treats { } @ $ | as syntax: write them as {'@'} etc. if a message ever needs one.
const exportJa = {};

export default exportJa;
