// English messages of the desktop screens (same keys as desktop.ja.ts).
import type desktopJa from './desktop.ja';

const desktopEn: typeof desktopJa = {
  desktop: {
    commands: {
      noAssessment: 'Open an assessment first.',
      exportUnavailable: 'The export screen is not available in this version yet.',
    },
    evidence: {
      dropHint: 'Drag and drop files here, or choose them with “Add files”.',
    },
    reassess: {
      flagged: 'Flagged for re-assessment by the pack migration ({reason}).',
      from: 'Carried from {from}.',
      confirmHint: 'Check the result against the revised criterion, then confirm it or choose another.',
      confirm: 'Confirm “{status}”',
      recordHint: 'Record a result to resolve it.',
    },
  },
};

export default desktopEn;
