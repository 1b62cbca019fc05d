import { z } from 'zod';
import { defineEvent } from '../define-event';
import { regionSchema, regions, type Region } from '../envelope';
import { tenantSlugSchema } from './tenant-created.v1';

/**
 * The organisation directory: the one fact both regions know about every organisation (its slug,
 * home region and public base URL), published by identity in the home region and mirrored, this topic
 * alone, to the other region by MirrorMaker 2. Nothing personal, no name: a slug and where it lives.
 * Compacted by tenant id, so the topic is the directory (the latest entry per organisation).
 */
export const identityDirectoryEntryPublishedV1 = defineEvent({
  topic: 'identity.directory-entry.published.v1',
  description:
    "An organisation's directory entry (slug, home region, base URL), the only record shared between regions.",
  payload: z.object({
    tenantId: z.uuid(),
    slug: tenantSlugSchema,
    region: regionSchema,
    baseUrl: z.url({ protocol: /^https?$/ }),
  }),
  // One partition: the directory is small, read whole, and its mirror in another region (created by
  // MirrorMaker 2 or by a gateway that starts first) must have the same partitions as its source.
  topicConfig: { cleanupPolicy: 'compact', partitions: 1 },
});
export type IdentityDirectoryEntryPublishedV1 = z.infer<typeof identityDirectoryEntryPublishedV1.payload>;

/**
 * MirrorMaker 2's default replication policy names a replicated topic `<source cluster alias>.<topic>`;
 * each region's cluster alias is its region. So the UK's directory reaches the EEA as
 * `uk.identity.directory-entry.published.v1`, and a replicated topic is never replicated back.
 */
export const mirroredTopic = (sourceRegion: Region, topic: string): string => `${sourceRegion}.${topic}`;

/** The directory topics a region reads: its own and each other region's mirror. */
export const directoryTopicsFor = (region: Region): { topic: string; region: Region }[] => [
  { topic: identityDirectoryEntryPublishedV1.topic, region },
  ...regions
    .filter((r) => r !== region)
    .map((r) => ({ topic: mirroredTopic(r, identityDirectoryEntryPublishedV1.topic), region: r })),
];
