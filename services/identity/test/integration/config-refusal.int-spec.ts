import { spawnTs } from '@therapy-room/testing';

const run = (env: Record<string, string>) =>
  new Promise<{ code: number | null; stderr: string }>((resolve) => {
    const child = spawnTs('services/identity/src/main.ts', [], env);
    let stderr = '';
    child.stderr?.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.once('exit', (code) => resolve({ code, stderr }));
  });

describe('identity refuses to start with bad configuration', () => {
  it('exits non-zero naming every missing or invalid variable, without echoing secret values', async () => {
    const secretUrl = 'not-a-url-but-SECRET-VALUE';
    const { code, stderr } = await run({
      SERVICE_NAME: 'identity',
      REGION: 'mars',
      PORT: '0',
      KAFKA_BROKERS: '127.0.0.1:1',
      DATABASE_URL: secretUrl,
      DATABASE_SCHEMA: 'identity',
      INTERNAL_TOKEN_PUBLIC_KEYS: '',
      LOG_LEVEL: 'silent',
    });
    expect(code).toBe(1);
    expect(stderr).toContain('Invalid configuration');
    expect(stderr).toMatch(/REGION: /);
    expect(stderr).toMatch(/DATABASE_URL: /);
    expect(stderr).toMatch(/INTERNAL_TOKEN_PUBLIC_KEYS: is required but missing/);
    expect(stderr).not.toContain('SECRET-VALUE');
    expect(stderr).not.toMatch(/\bat \S+:\d+:\d+/);
  });
});
