import { z } from 'zod';
import { defineEvent } from '../define-event';

export const contentExportCompletedV1 = defineEvent({
  topic: 'content.export.completed.v1',
  description:
    "Content's part of an export is written: `<location>/content.json` holds everything content keeps about " +
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
export type ContentExportCompletedV1 = z.infer<typeof contentExportCompletedV1.payload>;
