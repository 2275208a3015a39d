/** The assessment model: document schema, edit operations, claims, format migrations. */
export * from './schema';
export * from './errors';
export * from './identifiers';
export * from './display-name';
export * from './create';
export * from './ops';
export * from './checklist';
export * from './claims';
export * from './format';
export * from './scoring-input';
