import { DirectoryExportStorage } from './directory-export-storage';
import { exportStorageFrom } from './export-storage.config';
import { S3ExportStorage } from './s3-export-storage';

describe('exportStorageFrom', () => {
  it('is a directory with EXPORT_ROOT, a bucket with EXPORT_S3_BUCKET, nothing with neither', () => {
    expect(exportStorageFrom({ EXPORT_ROOT: '/tmp/exports' })).toBeInstanceOf(DirectoryExportStorage);
    const s3 = exportStorageFrom({ EXPORT_S3_BUCKET: 'exports-eu', EXPORT_S3_REGION: 'eu-west-1' });
    expect(s3).toBeInstanceOf(S3ExportStorage);
    (s3 as S3ExportStorage).destroy();
    expect(exportStorageFrom({})).toBeNull();
  });

  it.each([
    [
      'both a directory and a bucket',
      { EXPORT_ROOT: '/tmp/x', EXPORT_S3_BUCKET: 'b-1', EXPORT_S3_REGION: 'r' },
    ],
    ['a bucket without a region', { EXPORT_S3_BUCKET: 'b-1' }],
    [
      'half the credentials',
      { EXPORT_S3_BUCKET: 'b-1', EXPORT_S3_REGION: 'r', EXPORT_S3_ACCESS_KEY_ID: 'id' },
    ],
  ])('refuses %s', (_, config) => {
    expect(() => exportStorageFrom(config)).toThrow();
  });
});
