import { z } from 'zod';
import {
  baseConfigShape,
  ConfigError,
  databaseConfigShape,
  internalTokenVerifyShape,
  loadConfig,
  secret,
  secretKeys,
} from './config';

const shape = { ...baseConfigShape, ...databaseConfigShape };
const validEnv = {
  SERVICE_NAME: 'caseload',
  REGION: 'eea',
  PORT: '3002',
  KAFKA_BROKERS: 'localhost:9092',
  DATABASE_URL: 'postgres://caseload_svc:s3cret-Passw0rd@localhost:5432/therapy_room',
  DATABASE_SCHEMA: 'caseload',
};

function configErrorOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('reports every missing and invalid variable at once, each by name', () => {
    const error = configErrorOf(() =>
      loadConfig(shape, {
        SERVICE_NAME: 'Case Load',
        REGION: 'us',
        PORT: 'eighty',
        OUTBOX_MAX_ATTEMPTS: '0',
        KAFKA_PROVISION_TOPICS: 'perhaps',
      }),
    );
    const byName = Object.fromEntries(error.problems.map((p) => [p.slice(0, p.indexOf(':')), p]));
    expect(Object.keys(byName).sort()).toEqual(
      [
        'DATABASE_SCHEMA',
        'DATABASE_URL',
        'KAFKA_BROKERS',
        'KAFKA_PROVISION_TOPICS',
        'OUTBOX_MAX_ATTEMPTS',
        'PORT',
        'REGION',
        'SERVICE_NAME',
      ].sort(),
    );
    expect(byName.KAFKA_BROKERS).toBe('KAFKA_BROKERS: is required but missing');
    expect(byName.DATABASE_URL).toBe('DATABASE_URL: is required but missing');
    expect(byName.PORT).toMatch(/^PORT: .*number/);
    for (const problem of error.problems) expect(error.message).toContain(problem);
  });

  it('treats an empty variable as missing, so defaults apply', () => {
    const config = loadConfig(shape, { ...validEnv, LOG_LEVEL: '', OUTBOX_BATCH_SIZE: '' });
    expect(config.LOG_LEVEL).toBe('info');
    expect(config.OUTBOX_BATCH_SIZE).toBe(500);
    expect(configErrorOf(() => loadConfig(shape, { ...validEnv, DATABASE_SCHEMA: '' })).problems).toEqual([
      'DATABASE_SCHEMA: is required but missing',
    ]);
  });

  it('never puts the value of a secret into the error', () => {
    const password = 'Sup3r-S3cret-Passw0rd';
    const badUrls = [
      `mysql://svc:${password}@db:3306/x`,
      `postgres//svc:${password}@db`,
      `not a url ${password}`,
    ];
    for (const DATABASE_URL of badUrls) {
      const error = configErrorOf(() => loadConfig(shape, { ...validEnv, DATABASE_URL }));
      expect(error.problems).toEqual([expect.stringMatching(/^DATABASE_URL: /)]);
      expect(error.message).not.toContain(password);
      expect(JSON.stringify(error)).not.toContain(password);
      expect(String(error.stack)).not.toContain(password);
    }
  });

  it('never echoes the value of an ordinary variable either (it may have been pasted into the wrong one)', () => {
    const leaked = 'postgres://svc:Sup3r-S3cret@db/x';
    const error = configErrorOf(() =>
      loadConfig(shape, {
        ...validEnv,
        PORT: leaked,
        REGION: leaked,
        SERVICE_NAME: leaked,
        KAFKA_TOPIC_PREFIX: leaked,
      }),
    );
    expect(error.problems.map((p) => p.split(':')[0]).sort()).toEqual([
      'KAFKA_TOPIC_PREFIX',
      'PORT',
      'REGION',
      'SERVICE_NAME',
    ]);
    expect(error.message).not.toContain('Sup3r-S3cret');
  });

  it('coerces numbers and booleans and splits the broker list', () => {
    const config = loadConfig(shape, {
      ...validEnv,
      PORT: '0',
      OUTBOX_POLL_INTERVAL_MS: '250',
      DATABASE_POOL_MAX: '4',
      KAFKA_PROVISION_TOPICS: 'false',
      KAFKA_BROKERS: ' kafka-0:9092, kafka-1:9092 ,,kafka-2:9092',
    });
    expect(config).toMatchObject({
      PORT: 0,
      OUTBOX_POLL_INTERVAL_MS: 250,
      DATABASE_POOL_MAX: 4,
      KAFKA_PROVISION_TOPICS: false,
      KAFKA_BROKERS: ['kafka-0:9092', 'kafka-1:9092', 'kafka-2:9092'],
    });
    expect(loadConfig(shape, { ...validEnv, KAFKA_PROVISION_TOPICS: '1' }).KAFKA_PROVISION_TOPICS).toBe(true);
    expect(loadConfig(shape, validEnv)).toMatchObject({
      KAFKA_PROVISION_TOPICS: true,
      OUTBOX_MAX_ATTEMPTS: 10,
      HOST: '127.0.0.1',
      KAFKA_TOPIC_PREFIX: '',
    });
    expect(
      configErrorOf(() =>
        loadConfig(shape, { ...validEnv, PORT: '70000', OUTBOX_BATCH_SIZE: '1.5' }),
      ).problems.map((p) => p.split(':')[0]),
    ).toEqual(['PORT', 'OUTBOX_BATCH_SIZE']);
  });

  it('reads only the variables of its shape and hands out a frozen object', () => {
    const config = loadConfig(shape, { ...validEnv, UNRELATED_SECRET: 'x' });
    expect(config).not.toHaveProperty('UNRELATED_SECRET');
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('names a nested problem by its variable (internal token keys)', () => {
    const error = configErrorOf(() =>
      loadConfig(internalTokenVerifyShape, { INTERNAL_TOKEN_PUBLIC_KEYS: '{"kid-1": "not a key"}' }),
    );
    expect(error.problems).toEqual([expect.stringMatching(/^INTERNAL_TOKEN_PUBLIC_KEYS: /)]);
    expect(
      configErrorOf(() => loadConfig(internalTokenVerifyShape, { INTERNAL_TOKEN_PUBLIC_KEYS: '{oops' }))
        .problems,
    ).toEqual(['INTERNAL_TOKEN_PUBLIC_KEYS: must be a JSON object of kid to PEM public key']);
  });
});

describe('secretKeys', () => {
  it('lists the variables declared with secret(), for the logger to redact', () => {
    const serviceShape = { ...shape, SMTP_PASSWORD: secret(z.string()), SMTP_HOST: z.string() };
    expect(secretKeys(serviceShape)).toEqual(['DATABASE_URL', 'SMTP_PASSWORD']);
    expect(secretKeys(baseConfigShape)).toEqual([]);
  });
});
