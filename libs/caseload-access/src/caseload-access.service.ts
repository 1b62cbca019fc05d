import type { EntityManager } from 'typeorm';
import { Injectable } from '@nestjs/common';
import { Clock } from '@therapy-room/platform';
import { CaseloadAccessRepository } from './caseload-access.repository';

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

  /** True iff the professional has an active grant for the client. */
  async canAccess(professionalId: string, clientId: string, at?: Date, tenantId?: string): Promise<boolean> {
    if (!isUuid(professionalId) || !isUuid(clientId)) return false;
    if (tenantId !== undefined && !isUuid(tenantId)) return false;
    return this.grants.hasActiveGrant(
      professionalId,
      clientId,
      instant(at ?? this.clock.now()),
      tenantId ?? null,
    );
  }

  /** The professionals with an active grant for the client, each once, in id order. */
  async professionalsOf(clientId: string, at?: Date, tenantId?: string): Promise<string[]> {
    if (!isUuid(clientId) || (tenantId !== undefined && !isUuid(tenantId))) return [];
    return this.grants.activeProfessionalsOf(clientId, instant(at ?? this.clock.now()), tenantId ?? null);
  }

  /** The clients the professional has an active grant for, each once, in id order. */
  async clientsOf(professionalId: string, at?: Date, tenantId?: string): Promise<string[]> {
    if (!isUuid(professionalId) || (tenantId !== undefined && !isUuid(tenantId))) return [];
    return this.grants.activeClientsOf(professionalId, instant(at ?? this.clock.now()), tenantId ?? null);
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
