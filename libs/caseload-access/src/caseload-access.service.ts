import type { EntityManager } from 'typeorm';
import { Injectable } from '@nestjs/common';
import { Clock } from '@therapy-room/platform';
import type { AuditBasis, CaseloadGrantKind } from '@therapy-room/contracts';
import { CaseloadAccessRepository } from './caseload-access.repository';

/** The audit basis of a care team member's access: their caseload, or a colleague link. */
export type CareTeamBasis = Extract<AuditBasis, 'caseload_assignment' | 'colleague_link'>;
const basisOfGrant: Record<CaseloadGrantKind, CareTeamBasis> = {
  assignment: 'caseload_assignment',
  link: 'colleague_link',
};

// Canonical textual UUID (any version): an id that is not one has no grant, rather than a SQL error.
const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const isUuid = (value: string | undefined): boolean => typeof value === 'string' && uuidPattern.test(value);

function instant(at: Date): Date {
  if (!(at instanceof Date) || Number.isNaN(at.getTime())) throw new RangeError('at must be a valid Date');
  return at;
}

/**
 * Who may work with whom, from this service's local copy of caseload's grants. A grant counts at `at`
 * (default: now, by the platform's injected clock) when its window contains it: from validFrom (inclusive) to validUntil (exclusive),
 * null being open-ended. With `tenantId`, only grants of that tenant count. Each method is one indexed
 * query; nothing is cached, so a revocation counts as soon as its event is handled and a time-boxed
 * link ends at its validUntil by itself.
 */
@Injectable()
export class CaseloadAccess {
  constructor(
    private readonly grants: CaseloadAccessRepository,
    private readonly clock: Clock,
  ) {}

  /** The erased subject's copy of grants in this service (part of its erasure); answers how many went. */
  erase(manager: EntityManager, tenantId: string, subjectId: string): Promise<number> {
    return this.grants.eraseSubject(manager, tenantId, subjectId);
  }

  /**
   * The decision: on what basis the professional may work with the client right now — their caseload
   * (an assignment) or a colleague link — or null when they may not. An assignment wins over a link.
   * This is the basis their access is audited with.
   */
  async basis(
    professionalId: string,
    clientId: string,
    at?: Date,
    tenantId?: string,
  ): Promise<CareTeamBasis | null> {
    if (!isUuid(professionalId) || !isUuid(clientId)) return null;
    if (tenantId !== undefined && !isUuid(tenantId)) return null;
    const kind = await this.grants.activeGrantKind(
      professionalId,
      clientId,
      instant(at ?? this.clock.now()),
      tenantId ?? null,
    );
    return kind ? basisOfGrant[kind] : null;
  }

  /** True iff the professional has an active grant for the client (when the basis does not matter). */
  async canAccess(professionalId: string, clientId: string, at?: Date, tenantId?: string): Promise<boolean> {
    return (await this.basis(professionalId, clientId, at, tenantId)) !== null;
  }

  /** The professionals with an active grant for the client, each once, in id order. */
  async professionalsOf(clientId: string, at?: Date, tenantId?: string): Promise<string[]> {
    if (!isUuid(clientId) || (tenantId !== undefined && !isUuid(tenantId))) return [];
    return this.grants.activeProfessionalsOf(clientId, instant(at ?? this.clock.now()), tenantId ?? null);
  }

  /** The clients the professional has an active grant for, each once, in id order. */
  async clientsOf(professionalId: string, at?: Date, tenantId?: string): Promise<string[]> {
    return [...(await this.clientBasesOf(professionalId, at, tenantId)).keys()];
  }

  /** The clients the professional has an active grant for, in id order, each with the basis of the access. */
  async clientBasesOf(
    professionalId: string,
    at?: Date,
    tenantId?: string,
  ): Promise<Map<string, CareTeamBasis>> {
    if (!isUuid(professionalId) || (tenantId !== undefined && !isUuid(tenantId))) return new Map();
    const rows = await this.grants.activeClientsOf(
      professionalId,
      instant(at ?? this.clock.now()),
      tenantId ?? null,
    );
    return new Map(rows.map((r) => [r.id, basisOfGrant[r.kind]]));
  }

  /**
   * True iff caseload has (or will have) any grant for the client in this organisation, whatever its
   * window: the client belongs to the organisation as far as this read model knows. For answers that
   * differ between "yours, but not for you" (403) and "not known here" (404).
   */
  async knowsClient(clientId: string, tenantId: string): Promise<boolean> {
    if (!isUuid(clientId) || !isUuid(tenantId)) return false;
    return this.grants.hasAnyGrant(clientId, tenantId);
  }
}
