import { z } from 'zod';

const id = z.uuid({ message: 'must be a UUID' });

export const clientIdParamsSchema = z.object({ clientId: id }).strict();
export type ClientIdParams = z.infer<typeof clientIdParamsSchema>;

export const linkParamsSchema = z.object({ clientId: id, linkId: id }).strict();
export type LinkParams = z.infer<typeof linkParamsSchema>;

export const assignmentIdParamsSchema = z.object({ assignmentId: id }).strict();
export type AssignmentIdParams = z.infer<typeof assignmentIdParamsSchema>;

export const caseloadSortFields = ['lastActivity', 'name', 'assignedAt'] as const;

/** One factory so the page-size limit comes from configuration. */
export const listClientsQuerySchema = (maxPageSize: number) =>
  z
    .object({
      /** Org admins (and staff under a grant) may look at one professional's caseload; others see their own. */
      professionalId: id.optional(),
      /** Part of the client's name, case-insensitive. */
      q: z.string().trim().min(1).max(100).optional(),
      status: z.enum(['active', 'deactivated']).optional(),
      sort: z
        .enum(caseloadSortFields, { message: `must be one of ${caseloadSortFields.join(', ')}` })
        .default('lastActivity'),
      order: z.enum(['asc', 'desc']).optional(),
      limit: z.coerce
        .number()
        .int()
        .min(1)
        .max(maxPageSize, { message: `must be at most ${maxPageSize}` })
        .default(50),
      offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
    })
    .strict();
export type ListClientsQuery = z.infer<ReturnType<typeof listClientsQuerySchema>>;

export const createAssignmentSchema = z.object({ clientId: id, professionalId: id }).strict();
export type CreateAssignmentDto = z.infer<typeof createAssignmentSchema>;

export const moveClientSchema = z
  .object({ fromProfessionalId: id, toProfessionalId: id })
  .strict()
  .refine((b) => b.fromProfessionalId !== b.toProfessionalId, {
    message: 'must differ from fromProfessionalId',
    path: ['toProfessionalId'],
  });
export type MoveClientDto = z.infer<typeof moveClientSchema>;

const instant = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time' });

export const createLinkSchema = z
  .object({
    colleagueId: id,
    /** Default: now. */
    validFrom: instant.optional(),
    /** Default: until revoked. */
    validUntil: instant.optional(),
  })
  .strict()
  .refine((b) => !b.validFrom || !b.validUntil || new Date(b.validUntil) > new Date(b.validFrom), {
    message: 'must be after validFrom',
    path: ['validUntil'],
  });
export type CreateLinkDto = z.infer<typeof createLinkSchema>;

export interface CaseloadListItem {
  id: string;
  displayName: string | null;
  status: 'active' | 'deactivated';
  lastActivityAt: string | null;
  /** Why the client is in this caseload: an assignment, or a colleague link (null in the organisation-wide list). */
  relation: 'assignment' | 'link' | null;
  /** When the assignment or link began (null in the organisation-wide list). */
  assignedAt: string | null;
}

export interface CaseloadPage {
  items: CaseloadListItem[];
  total: number;
  limit: number;
  offset: number;
  sort: (typeof caseloadSortFields)[number];
  order: 'asc' | 'desc';
}
