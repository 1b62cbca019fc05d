import type { Provider, Type } from '@nestjs/common';
import { SUBJECT_RIGHTS_PARTICIPANT, type SubjectRightsParticipant } from './subject-rights-participant';
import { ErasureRequestConsumer, ExportRequestConsumer } from './subject-rights.consumer';
import { SubjectRightsRunner } from './subject-rights.runner';

/**
 * The controllers and providers that make `participant` take part in erasure (and export, when it
 * has an `export` method), to spread into the service's feature module next to the providers the
 * participant depends on:
 *
 *     const rights = subjectRightsParticipant(ContentErasure);
 *     @Module({ controllers: [...rights.controllers], providers: [...rights.providers, …] })
 *
 * The service lists `ErasedSubjects1764300000000` in its migrations (the tombstone table).
 */
export function subjectRightsParticipant(participant: Type<SubjectRightsParticipant>): {
  controllers: Type<unknown>[];
  providers: Provider[];
} {
  const exports = typeof participant.prototype.export === 'function';
  return {
    controllers: exports ? [ErasureRequestConsumer, ExportRequestConsumer] : [ErasureRequestConsumer],
    providers: [
      participant,
      { provide: SUBJECT_RIGHTS_PARTICIPANT, useExisting: participant },
      SubjectRightsRunner,
    ],
  };
}
