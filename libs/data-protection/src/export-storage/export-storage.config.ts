import { z } from 'zod';
import { secret } from '@therapy-room/platform';
import { DirectoryExportStorage } from './directory-export-storage';
import type { ExportStorage } from './export-storage';
import { S3ExportStorage } from './s3-export-storage';

/**
 * Where exports are assembled and packages kept, the same for retention and every export participant:
 * EXPORT_ROOT (a directory, local and tests) or EXPORT_S3_* (an S3-compatible in-region bucket,
 * clusters). Neither: this process takes part in no export.
 */
export const exportStorageConfigShape = {
  EXPORT_ROOT: z.string().min(1).optional(),
  EXPORT_S3_BUCKET: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'an S3 bucket name')
    .optional(),
  /** The bucket's region (in the organisation's region: the package is health data, even sealed). */
  EXPORT_S3_REGION: z.string().min(1).optional(),
  /** An S3-compatible endpoint (the region's object store); unset: AWS S3 of EXPORT_S3_REGION. */
  EXPORT_S3_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
  EXPORT_S3_PREFIX: z
    .string()
    .regex(/^([A-Za-z0-9._-]+\/)*$/, 'empty or segments each ending in "/"')
    .default('exports/'),
  EXPORT_S3_FORCE_PATH_STYLE: z.stringbool().default(false),
  /** Both or neither; neither: the SDK's default chain (workload identity, instance role). */
  EXPORT_S3_ACCESS_KEY_ID: secret(z.string().min(1).optional()),
  EXPORT_S3_SECRET_ACCESS_KEY: secret(z.string().min(1).optional()),
};
export type ExportStorageConfig = z.infer<z.ZodObject<typeof exportStorageConfigShape>>;

/** The configured export store, or null when exports are not configured. Throws on a contradiction. */
export function exportStorageFrom(config: Partial<ExportStorageConfig>): ExportStorage | null {
  if (config.EXPORT_S3_BUCKET) {
    if (config.EXPORT_ROOT) throw new Error('set EXPORT_ROOT or EXPORT_S3_BUCKET, not both');
    if (!config.EXPORT_S3_REGION) throw new Error('EXPORT_S3_BUCKET needs EXPORT_S3_REGION');
    const id = config.EXPORT_S3_ACCESS_KEY_ID;
    const key = config.EXPORT_S3_SECRET_ACCESS_KEY;
    if (Boolean(id) !== Boolean(key)) {
      throw new Error('set both EXPORT_S3_ACCESS_KEY_ID and EXPORT_S3_SECRET_ACCESS_KEY, or neither');
    }
    return new S3ExportStorage({
      bucket: config.EXPORT_S3_BUCKET,
      region: config.EXPORT_S3_REGION,
      prefix: config.EXPORT_S3_PREFIX ?? 'exports/',
      endpoint: config.EXPORT_S3_ENDPOINT,
      forcePathStyle: config.EXPORT_S3_FORCE_PATH_STYLE,
      credentials: id && key ? { accessKeyId: id, secretAccessKey: key } : undefined,
    });
  }
  return config.EXPORT_ROOT ? new DirectoryExportStorage(config.EXPORT_ROOT) : null;
}
