// English messages of the intake screens (same keys as intake.ja.ts).
import type intakeJa from './intake.ja';

const intakeEn: typeof intakeJa = {};

export default intakeEn;
