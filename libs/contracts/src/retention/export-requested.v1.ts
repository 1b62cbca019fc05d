import { z } from 'zod';
import { defineEvent } from '../define-event';

export const retentionExportRequestedV1 = defineEvent({
  topic: 'retention.export.requested.v1',
  description:
    'Write everything about the subject (envelope subjectId) as JSON to the export location; each ' +
    'participant writes its own file there (`<location>/<service>.json`) and confirms.',
  payload: z.object({
    requestId: z.uuid(),
    /**
     * Where the export is assembled: a `file:` URL of a directory (under each service's EXPORT_ROOT)
     * or an `s3:` URL of a prefix in the region's export bucket (EXPORT_S3_BUCKET).
     */
    location: z.url({ protocol: /^(file|s3)$/ }),
  }),
});
export type RetentionExportRequestedV1 = z.infer<typeof retentionExportRequestedV1.payload>;
