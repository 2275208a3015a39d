// Japanese messages of the preview screens. Spread into ja.ts; preview.en.ts is typed against this file.
// vue-i18n treats { } @ $ | as syntax: write them as {'@'} etc. if a message ever needs one.
const previewJa = {};

export default previewJa;
