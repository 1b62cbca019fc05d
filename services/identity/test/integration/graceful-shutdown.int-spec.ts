import {
  createTestDatabase,
  expectEventually,
  freePort,
  serviceEnv,
  startServiceProcess,
  uniqueName,
} from '@therapy-room/testing';

describe('identity stops gracefully on SIGTERM', () => {
  it('stops consuming, drains the relay, closes its pools and exits 0', async () => {
    const db = await createTestDatabase();
    try {
      const env = serviceEnv('identity', {
        ...(await db.provision('identity')),
        PORT: String(await freePort()),
        KAFKA_TOPIC_PREFIX: `${uniqueName('t')}.`,
        LOG_LEVEL: 'info',
      });
      const identity = await startServiceProcess('identity', env);
      const connections = () =>
        db.query(`SELECT 1 FROM pg_stat_activity WHERE usename = 'identity_svc' AND datname = $1`, [db.name]);
      expect((await connections()).length).toBeGreaterThan(0);
      const started = Date.now();
      expect(await identity.stop('SIGTERM')).toBe(0);
      expect(Date.now() - started).toBeLessThan(15_000);
      expect(identity.logs.some((l) => l.includes('"msg":"shutting down"'))).toBe(true);
      await expectEventually(async () => expect(await connections()).toHaveLength(0), { timeoutMs: 5_000 });
    } finally {
      await db.drop();
    }
  });
});
