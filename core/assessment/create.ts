import { z } from 'zod';
import {
  Address,
  Assessment,
  AssessmentId,
  AssessmentType,
  Assessor,
  Contact,
  FORMAT_VERSION,
  IsoDateTime,
  OrganizationIdentifier,
  Period,
  PinnedPack,
  Site,
  formatIssues,
} from './schema';
import { InvalidInputError } from './errors';
import { Id } from '../criteria/schema';

/** What a new assessment needs; everything else starts empty. */
export const AssessmentInit = z.strictObject({
  organization: z.strictObject({
    legalName: z.string(),
    legalNameEn: z.string().optional(),
    identifiers: z.array(OrganizationIdentifier).optional(),
    address: Address.optional(),
    contacts: z.array(Contact).optional(),
  }),
  service: z.strictObject({ name: z.string(), description: z.string().optional(), scope: z.string().optional() }),
  pack: PinnedPack,
  type: AssessmentType,
  roles: z.array(Id).optional(),
  capabilities: z.array(Id).optional(),
  targets: z.record(Id, Id).optional(),
  assessors: z.array(Assessor).optional(),
  independenceStatement: z.string().optional(),
  dates: Period.optional(),
  sites: z.array(Site).optional(),
});
export type AssessmentInit = z.input<typeof AssessmentInit>;

/**
 * A new, valid assessment at revision 0. `id` and `now` come from the caller so the
 * function stays pure (the workspace passes a random UUID and the clock).
 * @throws InvalidInputError naming every field to fix.
 */
export function newAssessment(init: AssessmentInit, ids: { id: string; now: string }): Assessment {
  if (!AssessmentId.safeParse(ids.id).success || !IsoDateTime.safeParse(ids.now).success) {
    throw new InvalidInputError('New assessment: the id must be 8 to 64 letters, digits or "-" and the time an ISO date-time');
  }
  const i: Partial<AssessmentInit> = isObject(init) ? init : {};
  const org: Partial<AssessmentInit['organization']> = isObject(i.organization) ? i.organization : {};
  const service: Partial<AssessmentInit['service']> = isObject(i.service) ? i.service : {};
  const candidate = {
    formatVersion: FORMAT_VERSION,
    id: ids.id,
    revision: 0,
    createdAt: ids.now,
    updatedAt: ids.now,
    organization: {
      legalName: org.legalName,
      ...(org.legalNameEn !== undefined && { legalNameEn: org.legalNameEn }),
      identifiers: org.identifiers ?? [],
      ...(org.address !== undefined && { address: org.address }),
      contacts: org.contacts ?? [],
    },
    service: {
      name: service.name,
      description: service.description ?? '',
      ...(service.scope !== undefined && { scope: service.scope }),
    },
    roles: i.roles ?? [],
    capabilities: i.capabilities ?? [],
    pack: i.pack,
    targets: i.targets ?? {},
    type: i.type,
    assessors: i.assessors ?? [],
    ...(i.independenceStatement !== undefined && { independenceStatement: i.independenceStatement }),
    dates: i.dates ?? {},
    sites: i.sites ?? [],
    criteria: {},
    findings: [],
    evidence: {},
  };
  // The document schema reports every problem with the paths users see in the file; the
  // init schema then catches keys the document would silently not carry.
  const parsed = Assessment.safeParse(candidate);
  if (!parsed.success) throw new InvalidInputError(`New assessment: ${formatIssues(parsed.error)}`);
  const shape = AssessmentInit.safeParse(init);
  if (!shape.success) throw new InvalidInputError(`New assessment: ${formatIssues(shape.error)}`);
  return parsed.data;
}

function isObject(value: unknown): value is Record<string, never> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
