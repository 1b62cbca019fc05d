import { z } from 'zod';
import { defineEvent } from '../define-event';

export const messagingExportCompletedV1 = defineEvent({
  topic: 'messaging.export.completed.v1',
  description:
    "Messaging's part of an export is written: `<location>/messaging.json` holds everything messaging keeps about " +
    'the subject. The event names the file, never its content.',
  payload: z.object({
    /** The requestId of the retention.export.requested.v1 this confirms. */
    requestId: z.uuid(),
    /** The document written, as a `file:` URL (EXPORT_ROOT) or an `s3:` URL (the export bucket). */
    file: z.url({ protocol: /^(file|s3)$/ }),
    /** SHA-256 of the file, hex: whoever assembles the export can check it arrived whole. */
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
  }),
});
export type MessagingExportCompletedV1 = z.infer<typeof messagingExportCompletedV1.payload>;
