import { z } from 'zod';
import { caseloadSortFields, listClientsQuerySchema, type CaseloadPage } from './caseload.dto';

/**
 * What the caseload routes answer, for the public OpenAPI document (`@ApiResponse`): the contract
 * the API fuzzer checks answers against.
 */
const id = z.uuid();
const instant = z.iso.datetime({ offset: true });
const name = z.string().nullable();
const personStatus = z.enum(['active', 'deactivated']);
const relation = z.enum(['assignment', 'link']);

export const caseloadPageSchema = z.object({
  items: z.array(
    z.object({
      id,
      displayName: name,
      status: personStatus,
      lastActivityAt: instant.nullable(),
      relation: relation.nullable(),
      assignedAt: instant.nullable(),
    }),
  ),
  total: z.int().min(0),
  limit: z.int(),
  offset: z.int(),
  sort: z.enum(caseloadSortFields),
  order: z.enum(['asc', 'desc']),
}) satisfies z.ZodType<CaseloadPage>;

/** One client's caseload entry: links for the care team and admins, history for admins and staff. */
export const caseloadEntrySchema = z.object({
  client: z.object({ id, displayName: name, status: personStatus, lastActivityAt: instant.nullable() }),
  professionals: z.array(
    z.object({ id, displayName: name, relation, since: instant.nullable(), until: instant.nullable() }),
  ),
  links: z
    .array(
      z.object({
        id,
        colleague: z.object({ id, displayName: name }),
        linkedBy: id.nullable(),
        validFrom: instant.nullable(),
        validUntil: instant.nullable(),
      }),
    )
    .optional(),
  history: z
    .array(
      z.object({
        assignmentId: id,
        professional: z.object({ id: id.nullable(), displayName: name }),
        assignedBy: id.nullable(),
        assignedAt: instant.nullable(),
        endedAt: instant.nullable(),
        endedBy: id.nullable(),
        endReason: z.string().nullable(),
      }),
    )
    .optional(),
});

export const myProfessionalsSchema = z.object({
  items: z.array(z.object({ id, displayName: name, relation, until: instant.nullable() })),
});

export const professionalsSchema = z.object({
  items: z.array(z.object({ id, displayName: name, status: personStatus, clients: z.int().min(0) })),
});

export const assignmentSchema = z.object({
  id,
  clientId: id,
  professionalId: id,
  assignedAt: instant.nullable(),
});

export const moveSchema = z.object({ assignmentId: id, endedAssignmentId: id });

export const linkSchema = z.object({
  id,
  clientId: id,
  colleagueId: id,
  validFrom: instant.nullable(),
  validUntil: instant.nullable(),
});

/** The list query as documented: its page size bound is CASELOAD_MAX_PAGE_SIZE's default. */
export const documentedListClientsQuery = listClientsQuerySchema(100);
