import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalMail } from './mailpit';

describe('the local mail catcher', () => {
  const cache = mkdtempSync(join(tmpdir(), 'mailpit-cache-'));
  const saved = { PATH: process.env.PATH, THERAPY_ROOM_CACHE: process.env.THERAPY_ROOM_CACHE };
  afterAll(() => {
    Object.assign(process.env, saved);
    rmSync(cache, { recursive: true, force: true });
  });

  it('where Go is missing, says so in one line and leaves identity without a relay (mails wait in mail_outbox)', async () => {
    process.env.PATH = mkdtempSync(join(tmpdir(), 'no-go-')); // a PATH without go
    process.env.THERAPY_ROOM_CACHE = cache;
    const lines: string[] = [];
    const mail = await startLocalMail({ say: (l) => lines.push(l), database: join(cache, 'm.db'), env: {} });
    expect(mail.smtpUrl).toBeUndefined();
    expect(lines).toEqual([expect.stringMatching(/^Go is not installed.*mail_outbox$/)]);
    expect(mail.fact).toEqual({ reason: lines[0] });
  });

  it('uses SMTP_URL when given, and shows it without its credentials', async () => {
    const mail = await startLocalMail({
      say: () => undefined,
      database: join(cache, 'm.db'),
      env: { SMTP_URL: 'smtp://user:secret@relay.example:587' },
    });
    expect(mail.smtpUrl).toBe('smtp://user:secret@relay.example:587');
    expect(JSON.stringify(mail.fact)).not.toContain('secret');
    expect(mail.fact).toEqual({ external: 'smtp://relay.example:587' });
  });
});
