/**
 * Channels for signing identities and the export dialog (reports, signatures, package).
 * Spread into `contract` in contract.ts.
 */
// Import schemas from './contract-core' (never from './contract': that would be a cycle).
export const exportChannels = {} as const;
