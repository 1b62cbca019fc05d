import { createHash } from 'node:crypto';
import { mkdtemp, readFile, readdir, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ExportLocationError, writeSubjectExport } from './subject-export';

describe('writeSubjectExport', () => {
  it('writes <location>/<service>.json whole, mode 600, and reports its checksum', async () => {
    const root = await mkdtemp(join(tmpdir(), 'exports-'));
    const location = pathToFileURL(join(root, 'request-1')).href;
    const { file, sha256 } = await writeSubjectExport(root, location, 'messaging', { messages: ['hi'] });
    expect(file).toBe(pathToFileURL(join(root, 'request-1', 'messaging.json')).href);
    const body = await readFile(join(root, 'request-1', 'messaging.json'));
    expect(JSON.parse(body.toString('utf8'))).toEqual({ messages: ['hi'] });
    expect(sha256).toBe(createHash('sha256').update(body).digest('hex'));
    expect((await stat(join(root, 'request-1', 'messaging.json'))).mode & 0o777).toBe(0o600);
    await writeSubjectExport(root, location, 'messaging', { messages: [] });
    expect(await readdir(join(root, 'request-1'))).toEqual(['messaging.json']);
  });

  it.each([
    ['outside the root', (root: string) => pathToFileURL(join(root, '..', 'elsewhere')).href],
    ['the root itself', (root: string) => pathToFileURL(root).href],
    ['a traversal', (root: string) => `${pathToFileURL(root).href}/a/../../x`],
    ['not a file URL', () => 'https://example.org/exports/1'],
  ])('refuses a location %s', async (_, location) => {
    const root = await mkdtemp(join(tmpdir(), 'exports-'));
    await expect(writeSubjectExport(root, location(root), 'content', {})).rejects.toBeInstanceOf(
      ExportLocationError,
    );
  });
});
