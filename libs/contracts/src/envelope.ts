import { z } from 'zod';

export const regions = ['eea', 'uk'] as const;
export const regionSchema = z.enum(regions);
export type Region = z.infer<typeof regionSchema>;

/** `<service>.<entity>.<event>.v<N>`, lower-case, past tense event name. */
export const topicPattern = /^[a-z]+\.[a-z][a-z-]*\.[a-z][a-z-]*\.v[1-9][0-9]*$/;

/** W3C trace context `traceparent` header value. */
export const traceparentSchema = z.string().regex(/^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/);

/**
 * The one envelope every event travels in. `subjectId` is the person the event is about (client or
 * user), so consumers can key, audit and erase by it; null for events about a tenant as a whole.
 */
export const envelopeSchema = z
  .object({
    id: z.uuidv7(),
    type: z.string().regex(topicPattern),
    occurredAt: z.iso.datetime({ offset: false }),
    tenantId: z.uuid(),
    region: regionSchema,
    subjectId: z.uuid().nullable(),
    traceparent: traceparentSchema.nullable(),
    payload: z.unknown(),
  })
  .strict();

export type EventEnvelope<P = unknown> = Omit<z.infer<typeof envelopeSchema>, 'payload'> & { payload: P };
