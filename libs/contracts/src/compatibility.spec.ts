import { breakingChanges, type JsonSchema } from './compatibility';

const object = (properties: Record<string, JsonSchema>, required: string[]): JsonSchema => ({
  type: 'object',
  properties,
  required,
});
const id = { type: 'string', format: 'uuid' };

describe('breakingChanges', () => {
  it('allows a new optional field and a documentation change', () => {
    expect(
      breakingChanges(
        object({ userId: id }, ['userId']),
        object({ userId: { ...id, description: 'the account' }, seats: { type: 'integer' } }, ['userId']),
      ),
    ).toEqual([]);
  });

  it('refuses a removed field, a field made required, a new required field and a changed type', () => {
    const released = object({ userId: id, note: { type: 'string' }, count: { type: 'integer' } }, ['userId']);
    expect(
      breakingChanges(
        released,
        object({ note: { type: 'string' }, count: { type: 'string' }, tenantId: id }, ['note', 'tenantId']),
      ),
    ).toEqual([
      'payload.userId was removed (consumers of the released version read it)',
      'payload.note became required (released producers may leave it out)',
      'payload.count changed from {"type":"integer"} to {"type":"string"}',
      'payload.tenantId is new and required (released producers never write it)',
    ]);
  });

  it('allows an enum to grow, not to shrink', () => {
    const kind = (values: string[]) => object({ kind: { type: 'string', enum: values } }, ['kind']);
    expect(breakingChanges(kind(['a']), kind(['a', 'b']))).toEqual([]);
    expect(breakingChanges(kind(['a', 'b']), kind(['a']))).toEqual(['payload.kind no longer accepts "b"']);
  });
});
