import { eventContracts } from './registry';

const completion = (saga: 'erasure' | 'export') => new RegExp(`^([a-z]+)\\.${saga}\\.completed\\.v1$`);

/** The services that confirm a saga, from the registry: whoever declares `<service>.<saga>.completed.v1`. */
function participants(saga: 'erasure' | 'export'): { service: string; topic: string }[] {
  const pattern = completion(saga);
  return Object.keys(eventContracts)
    .map((topic) => ({ topic, match: pattern.exec(topic) }))
    .filter((t): t is { topic: string; match: RegExpExecArray } => t.match !== null)
    .map(({ topic, match }) => ({ service: match[1], topic }))
    .sort((a, b) => a.service.localeCompare(b.service));
}

/**
 * Who must confirm an erasure (`retention.erasure.requested.v1`): every service with an
 * `<service>.erasure.completed.v1` contract. A new participant is a new contract, not a list to edit.
 */
export const erasureParticipants = () => participants('erasure');

/** Who must confirm an export (`retention.export.requested.v1`): every `<service>.export.completed.v1`. */
export const exportParticipants = () => participants('export');
