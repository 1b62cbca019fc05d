import { z } from 'zod';
import { baseConfigShape, databaseConfigShape, internalTokenVerifyShape } from '@therapy-room/platform';
import { dataProtectionConfigShape } from '@therapy-room/data-protection';

const seconds = (min: number, max: number, fallback: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback);

export const messagingConfigShape = {
  ...baseConfigShape,
  ...databaseConfigShape,
  ...internalTokenVerifyShape,
  ...dataProtectionConfigShape,
  /** Longest message body, in characters (Unicode code points), after trimming. */
  MESSAGING_MAX_BODY_CHARS: z.coerce.number().int().min(1).max(20_000).default(5000),
  /** Largest page of conversations or messages. */
  MESSAGING_MAX_PAGE_SIZE: z.coerce.number().int().min(10).max(500).default(100),
  /** At most one notification e-mail per recipient and conversation this often. */
  MESSAGING_NOTIFY_INTERVAL_SECONDS: seconds(0, 7 * 24 * 3600, 15 * 60),
  /** A recipient who opened or read the conversation this recently is reading: no e-mail. */
  MESSAGING_NOTIFY_READING_SECONDS: seconds(0, 3600, 120),
  /** Comment lines on every live stream this often (keeps proxies from closing it; refreshes presence). */
  MESSAGING_SSE_HEARTBEAT_SECONDS: seconds(1, 300, 15),
  /** Open live streams per user and replica (browser tabs); one more is 429. */
  MESSAGING_SSE_MAX_STREAMS: z.coerce.number().int().min(1).max(100).default(10),
};
export type MessagingConfig = z.infer<z.ZodObject<typeof messagingConfigShape>>;
