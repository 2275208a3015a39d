// English messages: exactly the keys of ja.ts (typed against it).
import type { Messages } from './ja';

const en: Messages = {
  app: {
    name: 'TF Assessor',
    tagline: 'Trust framework conformity assessment',
    preview: 'Browser preview',
    version: 'Version {version}',
  },
  a11y: {
    skipToMain: 'Skip to main content',
    sections: 'Sections',
  },
  language: {
    label: 'Display language',
    system: 'Auto',
    systemHint: 'Follows the OS language ({language})',
    changed: 'Display language changed to English.',
  },
  nav: {
    start: 'Start',
    recent: 'Recent assessments',
    packs: 'Criteria packs',
  },
  start: {
    title: 'Start',
    lead: 'Assess an organization against the criteria of an identity trust framework: choose a criteria pack, collect evidence, determine the assurance levels and produce a signed report.',
    actionsHeading: 'Choose a task',
  },
  actions: {
    new: {
      title: 'New assessment',
      description: 'Start a new assessment from an installed criteria pack.',
    },
    open: {
      title: 'Open assessment',
      description: 'Continue an assessment saved on this computer.',
    },
    import: {
      title: 'Import a submitted package',
      description: 'Verify and review a .tfpkg package submitted for certification.',
    },
    comingSoon: 'Available in a coming version',
    notAvailable: '“{action}” will be available in a coming version.',
  },
  recent: {
    heading: 'Recent assessments',
    empty: 'No assessments yet. Assessments you create or open will appear here.',
    updated: 'Updated {date}',
    openHint: 'Open',
  },
  packs: {
    heading: 'Installed criteria packs',
    empty: 'No criteria packs are installed.',
    criteria: '{n} criterion | {n} criteria',
    dimensions: 'Dimensions',
    origin: {
      builtin: 'Built-in',
      user: 'Added by you',
    },
  },
  common: {
    loading: 'Loading…',
    dismiss: 'Dismiss',
    unavailable: 'Could not be loaded.',
    retry: 'Try again',
  },
  errors: {
    detail: 'Details: {message}',
    context: {
      info: 'Could not read the app information.',
      settings: 'Could not load your settings; the defaults are in use.',
      saveSettings: 'Could not save the display language.',
      packs: 'Could not list the installed criteria packs.',
      recent: 'Could not list recent assessments.',
    },
    code: {
      'bad-request': 'The request was not accepted.',
      forbidden: 'Access was refused. In the browser preview, open the address printed by npm run preview again.',
      'not-found': 'The item was not found.',
      conflict: 'The item was changed elsewhere. Reload it and try again.',
      io: 'A file or connection could not be read or written. Try again.',
      'disk-full': 'The disk is full. Free some space and try again.',
      'read-only': 'The folder is read-only. Choose a folder you can write to.',
      'invalid-input': 'The input is not valid.',
      internal: 'An unexpected error occurred. Please report it.',
    },
  },
};

export default en;
