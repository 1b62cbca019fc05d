import { z } from 'zod';
import { DatabaseError } from 'pg';
import { QueryFailedError } from 'typeorm';
import type { LogEntry } from 'kafkajs';
import { kafkaLogCreator } from '../kafka/kafka-client';
import { createLogger, PinoNestLogger } from './logger';
import { requestContext } from '../context/request-context';
import { databaseConfigShape, secret, secretKeys } from '../config/config';

/** A logger whose output lands in an array of parsed lines, plus the raw text to search for leaks. */
function capture(options: { extraRedact?: string[]; level?: string } = {}) {
  const raw: string[] = [];
  const logger = createLogger({
    service: 'spec',
    level: options.level ?? 'trace',
    extraRedact: options.extraRedact,
    destination: { write: (line: string) => void raw.push(line) },
  });
  return {
    logger,
    text: () => raw.join(''),
    lines: () => raw.map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

const secrets = {
  password: 'pw-Correct-Horse-Battery-1!',
  newPassword: 'pw-New-Staple-2!',
  token: 'tok-eyJhbGciOiJFUzI1NiJ9.payload.sig',
  accessToken: 'tok-access-0123456789',
  cookie: '__Host-session=ck-0f9e8d7c6b5a',
  authorization: 'Bearer auth-eyJhbGciOi.abc.def',
  internalToken: 'itok-eyJraWQiOiJ0ZXN0In0.x.y',
  setCookie: '__Host-session=setck-a1b2c3; HttpOnly; Secure',
  sessionId: 'sid-5f4dcc3b5aa765d61d8327deb882cf99',
  databaseUrl: 'postgres://svc:db-pw-Tr0ub4dor@db:5432/app',
  smtpPassword: 'smtp-pw-Zx9!',
};

describe('createLogger redaction', () => {
  it('redacts credentials, tokens, cookies, session ids and secret config, and never writes their values', () => {
    const serviceShape = { ...databaseConfigShape, SMTP_PASSWORD: secret(z.string()) };
    const out = capture({ extraRedact: secretKeys(serviceShape) });
    out.logger.info({ password: secrets.password, newPassword: secrets.newPassword }, 'top level');
    out.logger.info(
      { body: { password: secrets.password, newPassword: secrets.newPassword } },
      'one level down',
    );
    out.logger.info(
      {
        token: secrets.token,
        accessToken: secrets.accessToken,
        result: { token: secrets.token, accessToken: secrets.accessToken },
      },
      'tokens',
    );
    out.logger.info(
      {
        req: {
          method: 'POST',
          headers: {
            authorization: secrets.authorization,
            cookie: secrets.cookie,
            'x-internal-token': secrets.internalToken,
            'user-agent': 'spec',
          },
        },
        res: { headers: { 'set-cookie': secrets.setCookie } },
      },
      'request',
    );
    out.logger.info(
      { headers: { authorization: secrets.authorization, cookie: secrets.cookie } },
      'outgoing',
    );
    out.logger.info(
      { sessionId: secrets.sessionId, actor: { userId: 'u-1', sessionId: secrets.sessionId } },
      'session',
    );
    out.logger.info(
      {
        config: {
          DATABASE_URL: secrets.databaseUrl,
          SMTP_PASSWORD: secrets.smtpPassword,
          DATABASE_SCHEMA: 'caseload',
        },
      },
      'config',
    );

    const text = out.text();
    for (const [name, value] of Object.entries(secrets)) {
      expect({ name, leaked: text.includes(value) }).toEqual({ name, leaked: false });
    }
    const [top, nested, tokens, req, outgoing, session, config] = out.lines();
    expect(top).toMatchObject({ password: '[redacted]', newPassword: '[redacted]' });
    expect(nested).toMatchObject({ body: { password: '[redacted]', newPassword: '[redacted]' } });
    expect(tokens).toMatchObject({
      token: '[redacted]',
      accessToken: '[redacted]',
      result: { token: '[redacted]', accessToken: '[redacted]' },
    });
    expect(req).toMatchObject({
      req: {
        method: 'POST',
        headers: {
          authorization: '[redacted]',
          cookie: '[redacted]',
          'x-internal-token': '[redacted]',
          'user-agent': 'spec',
        },
      },
      res: { headers: { 'set-cookie': '[redacted]' } },
    });
    expect(outgoing).toMatchObject({ headers: { authorization: '[redacted]', cookie: '[redacted]' } });
    expect(session).toMatchObject({
      sessionId: '[redacted]',
      actor: { userId: 'u-1', sessionId: '[redacted]' },
    });
    // Only what is declared secret is hidden: the rest of the config stays readable.
    expect(config).toMatchObject({
      config: { DATABASE_URL: '[redacted]', SMTP_PASSWORD: '[redacted]', DATABASE_SCHEMA: 'caseload' },
    });
  });

  it('redacts in child loggers and in the Nest adapter too', () => {
    const out = capture();
    out.logger
      .child({ config: { DATABASE_URL: secrets.databaseUrl } })
      .info({ password: secrets.password }, 'child');
    new PinoNestLogger(out.logger).log('framework message', 'Spec');
    expect(out.text()).not.toContain(secrets.databaseUrl);
    expect(out.text()).not.toContain(secrets.password);
    expect(out.lines()[0]).toMatchObject({ config: { DATABASE_URL: '[redacted]' }, password: '[redacted]' });
    expect(out.lines()[1]).toMatchObject({
      level: 'info',
      context: 'Spec',
      msg: 'framework message',
      service: 'spec',
    });
  });
});

describe('createLogger context', () => {
  it('carries the requestId (and event and tenant) of the work in progress, and nothing outside it', async () => {
    const out = capture();
    await requestContext.run(
      { requestId: 'req-1234567890', eventId: 'evt-1', tenantId: 'ten-1' },
      async () => {
        await Promise.resolve();
        out.logger.info('inside');
      },
    );
    requestContext.run(
      {
        requestId: 'req-actor-0001',
        actor: { userId: 'u-1', tenantId: 'ten-2', roles: ['client'], sessionId: secrets.sessionId },
      },
      () => out.logger.warn('actor'),
    );
    out.logger.info('outside');
    const [inside, actor, outside] = out.lines();
    expect(inside).toMatchObject({
      msg: 'inside',
      level: 'info',
      service: 'spec',
      requestId: 'req-1234567890',
      eventId: 'evt-1',
      tenantId: 'ten-1',
    });
    expect(actor).toMatchObject({
      msg: 'actor',
      level: 'warn',
      requestId: 'req-actor-0001',
      tenantId: 'ten-2',
    });
    expect(outside).not.toHaveProperty('requestId');
    expect(out.text()).not.toContain(secrets.sessionId);
  });

  it('honours the level', () => {
    const out = capture({ level: 'warn' });
    out.logger.info('hidden');
    out.logger.error('shown');
    expect(out.lines().map((l) => l.msg)).toEqual(['shown']);
  });
});

describe('createLogger database errors', () => {
  /** What pg and TypeORM throw on a unique violation: the value is in the parameters and in `detail`. */
  const uniqueViolation = () => {
    const driverError = Object.assign(
      new DatabaseError(
        'duplicate key value violates unique constraint "user_account_email_key"',
        120,
        'error',
      ),
      {
        severity: 'ERROR',
        code: '23505',
        detail: 'Key (tenant_id, email)=(7d0c…, ann.client@example.org) already exists.',
        schema: 'identity',
        table: 'user_account',
        constraint: 'user_account_email_key',
        routine: '_bt_check_unique',
      },
    );
    return new QueryFailedError(
      'INSERT INTO user_account (email, display_name) VALUES ($1, $2)',
      ['ann.client@example.org', 'Ann Client'],
      driverError,
    );
  };
  /** pg's own message echoes the value here. */
  const badInput = () =>
    Object.assign(new DatabaseError('invalid input syntax for type numeric: "glucose 7.4"', 90, 'error'), {
      severity: 'ERROR',
      code: '22P02',
      routine: 'float8in_internal',
    });

  it('logs code, constraint and names of a database error, never its parameters, detail or message', () => {
    const out = capture();
    out.logger.error({ err: uniqueViolation() }, 'request failed');
    out.logger.warn({ err: badInput() }, 'event handling failed; it will be retried');
    out.logger.warn({ error: new Error('saving failed', { cause: uniqueViolation() }) }, 'wrapped');
    out.logger.warn({ err: new AggregateError([badInput()], 'several') }, 'aggregate');
    new PinoNestLogger(out.logger).error(badInput());
    const text = out.text();
    for (const value of ['ann.client@example.org', 'Ann Client', 'glucose 7.4', 'INSERT INTO', 'Key (']) {
      expect({ value, leaked: text.includes(value) }).toEqual({ value, leaked: false });
    }
    const [unique, input, wrapped, aggregate, nest] = out.lines();
    expect(unique.err).toEqual({
      type: 'QueryFailedError',
      message: 'database error 23505 (constraint user_account_email_key)',
      code: '23505',
      constraint: 'user_account_email_key',
      schema: 'identity',
      table: 'user_account',
      routine: '_bt_check_unique',
      stack: expect.stringMatching(/^QueryFailedError: database error 23505 .*\n {4}at /),
    });
    expect(input.err).toMatchObject({
      type: 'DatabaseError',
      code: '22P02',
      message: 'database error 22P02',
    });
    expect(wrapped.error).toMatchObject({
      message: 'saving failed',
      cause: { code: '23505', constraint: 'user_account_email_key' },
    });
    expect(aggregate.err).toMatchObject({ aggregateErrors: [{ code: '22P02' }] });
    expect(nest).toMatchObject({ msg: 'database error 22P02', err: { code: '22P02' } });
  });

  it('keeps other errors as pino serializes them (type, message, stack, own fields)', () => {
    const out = capture();
    out.logger.error({ err: Object.assign(new Error('broker down'), { retriable: true }) }, 'x');
    expect(out.lines()[0].err).toMatchObject({ type: 'Error', message: 'broker down', retriable: true });
  });

  it("reduces kafkajs's handler failure log to the serialized error", () => {
    const out = capture();
    const entry = {
      namespace: 'Runner',
      level: 1,
      label: 'ERROR',
      log: {
        timestamp: 'now',
        logger: 'kafkajs',
        message: 'Error when calling eachMessage',
        topic: 't',
        partition: 0,
        offset: '7',
        stack: uniqueViolation().stack,
        error: uniqueViolation(),
      },
    };
    kafkaLogCreator(out.logger)()(entry as unknown as LogEntry);
    expect(out.text()).not.toContain('ann.client@example.org');
    expect(out.lines()[0]).toMatchObject({
      msg: 'Error when calling eachMessage',
      topic: 't',
      err: { code: '23505', constraint: 'user_account_email_key' },
    });
  });
});
