import { ExportLocationError } from './export-storage';
import { S3ExportStorage } from './s3-export-storage';

describe('S3ExportStorage addresses', () => {
  const store = new S3ExportStorage({ bucket: 'exports-eu', region: 'eu-west-1', prefix: 'exports/' });
  afterAll(() => store.destroy());

  it('names a key by an s3: URL in its bucket and prefix, and reads it back', () => {
    expect(store.urlOf('r1/content.json')).toBe('s3://exports-eu/exports/r1/content.json');
    expect(store.keyOf('s3://exports-eu/exports/r1')).toBe('r1');
    expect(store.keyOf(store.urlOf('r1/content.json'))).toBe('r1/content.json');
  });

  it.each([
    ['another bucket', 's3://elsewhere/exports/r1'],
    ['outside the prefix', 's3://exports-eu/other/r1'],
    ['the prefix itself', 's3://exports-eu/exports/'],
    ['a traversal', 's3://exports-eu/exports/r1/%2E%2E/%2E%2E/x'],
    ['a file URL', 'file:///tmp/exports/r1'],
    ['a query', 's3://exports-eu/exports/r1?versionId=1'],
  ])('refuses a location in %s', (_, url) => {
    expect(() => store.keyOf(url)).toThrow(ExportLocationError);
  });
});
