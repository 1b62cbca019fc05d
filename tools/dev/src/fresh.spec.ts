import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { wipeLocalData } from './fresh';

function dataDir() {
  const root = mkdtempSync(join(tmpdir(), 'fresh-'));
  mkdirSync(join(root, 'dev'));
  writeFileSync(join(root, 'dev', 'totp-encryption-key-eea'), 'k');
  mkdirSync(join(root, 'postgres-eea'));
  writeFileSync(join(root, 'notes.txt'), 'not ours');
  return root;
}

describe('npm start -- --fresh', () => {
  it('deletes nothing when the person does not say yes', async () => {
    const root = dataDir();
    const questions: string[] = [];
    const ask = async (q: string) => (questions.push(q), 'n');
    expect(await wipeLocalData(root, { yes: false, ask })).toBe(false);
    expect(questions[0]).toContain('postgres-eea');
    expect(existsSync(join(root, 'postgres-eea'))).toBe(true);
  });

  it("deletes the stack's data after a yes, and only that", async () => {
    const root = dataDir();
    expect(await wipeLocalData(root, { yes: false, ask: async () => 'y' })).toBe(true);
    expect(existsSync(join(root, 'postgres-eea'))).toBe(false);
    expect(existsSync(join(root, 'dev'))).toBe(false);
    expect(existsSync(join(root, 'notes.txt'))).toBe(true);
  });

  it('does not ask with --yes', async () => {
    const root = dataDir();
    const ask = jest.fn();
    expect(await wipeLocalData(root, { yes: true, ask })).toBe(true);
    expect(ask).not.toHaveBeenCalled();
    expect(existsSync(join(root, 'postgres-eea'))).toBe(false);
  });
});
