// Japanese messages of the intake screens. Spread into ja.ts; intake.en.ts is typed against this file.
// vue-i18n treats { } @ $ | as syntax: write them as {'@'} etc. if a message ever needs one.
const intakeJa = {};

export default intakeJa;
