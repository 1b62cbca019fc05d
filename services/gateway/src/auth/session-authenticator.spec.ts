import type { Request } from 'express';
import pino from 'pino';
import type { EventPublisher } from '@therapy-room/platform';
import { requestContext } from '@therapy-room/platform';
import type { GatewayConfig } from '../gateway.config';
import type { UpstreamClient } from '../proxy/upstream.client';
import { SessionAuthenticator } from './session-authenticator';
import { SessionCache } from './session-cache';
import { AuditUnavailableException, StaffRequestAudit, describeRequest } from './staff-request-audit';

const GRANT = '11111111-1111-4111-8111-111111111111';
const staffActor = (grantId?: string) => ({
  userId: '22222222-2222-4222-8222-222222222222',
  tenantId: '33333333-3333-4333-8333-333333333333',
  roles: ['platform_staff'],
  region: 'eea',
  sessionId: '44444444-4444-4444-8444-444444444444',
  ...(grantId ? { grantId } : {}),
});

/** identity's answers to /sessions/resolve, one per call (the cache is emptied between calls). */
function setUp(answers: object[], publish: jest.Mock) {
  const upstream = {
    send: jest.fn(async () => ({ status: 200, headers: {}, body: JSON.stringify(answers.shift()) })),
  } as unknown as UpstreamClient;
  const cache = new SessionCache();
  const audit = new StaffRequestAudit({ publish } as unknown as EventPublisher, pino({ level: 'silent' }));
  const auth = new SessionAuthenticator(upstream, cache, audit, { REGION: 'eea' } as GatewayConfig);
  const req = {
    method: 'GET',
    path: '/api/users',
    originalUrl: '/api/users?q=someone',
    cookies: { '__Host-tr_session': 'a'.repeat(43) },
    socket: { remoteAddress: '203.0.113.9' },
  } as unknown as Request;
  return { auth, cache, req };
}
const inRequest = <T>(fn: () => Promise<T>) =>
  requestContext.run({ requestId: 'req-12345678', sourceAddress: '203.0.113.9' }, fn);

describe('session authenticator: requests under a staff access grant', () => {
  it('audits each request under a grant once, before answering, and never the query string', async () => {
    const publish = jest.fn(async (..._args: unknown[]) => ({}));
    const { auth, req } = setUp([staffActor(GRANT)], publish);
    await inRequest(() => auth.authenticate(req));
    await inRequest(() => auth.authenticate(req));
    expect(publish).toHaveBeenCalledTimes(2);
    expect(publish.mock.calls[0][1]).toMatchObject({
      action: 'staff_access.act',
      actorRole: 'platform_staff',
      resource: 'api.request',
      resourceId: 'GET /api/users',
      requestId: 'req-12345678',
      sourceAddress: '203.0.113.9',
    });
  });

  it('audits nothing for staff without a grant, or anyone else', async () => {
    const publish = jest.fn(async (..._args: unknown[]) => ({}));
    const { auth, req } = setUp([staffActor()], publish);
    await inRequest(() => auth.authenticate(req));
    expect(publish).not.toHaveBeenCalled();
  });

  it('refuses the request (503) when the audit entry cannot be recorded', async () => {
    const publish = jest.fn(async (..._args: unknown[]) => {
      throw new Error('KafkaJSNumberOfRetriesExceeded');
    });
    const { auth, req } = setUp([staffActor(GRANT)], publish);
    await expect(inRequest(() => auth.authenticate(req))).rejects.toBeInstanceOf(AuditUnavailableException);
    expect(new AuditUnavailableException().status).toBe(503);
  });

  it("ends a live stream's check when the session no longer acts under the grant it was opened with", async () => {
    const publish = jest.fn(async (..._args: unknown[]) => ({}));
    const { auth, cache, req } = setUp([staffActor(GRANT), staffActor(GRANT), staffActor()], publish);
    const opened = await inRequest(() => auth.authenticate(req));
    cache.revokeGrant(GRANT);
    await expect(auth.recheck(req, opened)).resolves.toBeUndefined();
    cache.revokeGrant(GRANT);
    await expect(auth.recheck(req, opened)).rejects.toThrow('Authentication required.');
    // Heartbeat checks are not requests: only the opening was audited.
    expect(publish).toHaveBeenCalledTimes(1);
  });

  it('describes a request by method and path only, in audit-safe characters', () => {
    expect(describeRequest({ method: 'GET', originalUrl: '/api/caseload/clients/abc?q=Jane' })).toBe(
      'GET /api/caseload/clients/abc',
    );
    expect(describeRequest({ method: 'POST', originalUrl: `/api/${'x'.repeat(300)}"<>` }).length).toBe(128);
  });
});
