import { FixedClock } from '@therapy-room/platform';
import { generateSigningKey, verifyInternalToken, type Actor } from '@therapy-room/auth';
import type { GatewayConfig } from '../gateway.config';
import { InternalTokenSigner } from './internal-token-signer';

describe('InternalTokenSigner', () => {
  const key = generateSigningKey('k1');
  const config = {
    INTERNAL_TOKEN_KID: key.kid,
    INTERNAL_TOKEN_PRIVATE_KEY: key.privateKeyPem,
    INTERNAL_TOKEN_TTL_SECONDS: 60,
  } as GatewayConfig;
  const actor: Actor = {
    userId: '0b7e5c3a-4a52-4b8e-9a59-0c3f1f6b2a11',
    tenantId: '5d1e8f0c-2b7a-4c39-8e21-6f4a9b3c7d02',
    roles: ['professional'],
    region: 'eea',
    sessionId: 'session-1',
  };
  const verify = (token: string, audience: string) =>
    verifyInternalToken(token, { [key.kid]: key.publicKeyPem }, { region: 'eea', audience });

  it('reuses an actor’s token for a service during the first half of its lifetime, then mints a new one', () => {
    const clock = new FixedClock();
    const signer = new InternalTokenSigner(config, clock);
    const first = signer.forActor(actor, 'messaging');
    expect(verify(first, 'messaging')).toMatchObject({ userId: actor.userId, sessionId: 'session-1' });
    clock.advance(29_000);
    expect(signer.forActor(actor, 'messaging')).toBe(first);
    clock.advance(2_000);
    const second = signer.forActor(actor, 'messaging');
    expect(second).not.toBe(first);
    expect(verify(second, 'messaging').userId).toBe(actor.userId);
  });

  it('never hands one service’s token, another session’s or another grant’s to a request', () => {
    const signer = new InternalTokenSigner(config, new FixedClock());
    const messaging = signer.forActor(actor, 'messaging');
    const content = signer.forActor(actor, 'content');
    expect(content).not.toBe(messaging);
    expect(() => verify(content, 'messaging')).toThrow();
    expect(signer.forActor({ ...actor, sessionId: 'session-2' }, 'messaging')).not.toBe(messaging);
    expect(signer.forActor({ ...actor, grantId: 'grant-1' }, 'messaging')).not.toBe(messaging);
    expect(signer.forActor({ ...actor, roles: ['org_admin'] }, 'messaging')).not.toBe(messaging);
  });

  it('mints a fresh gateway service token for every call (identity refuses a replayed one)', () => {
    const signer = new InternalTokenSigner(config, new FixedClock());
    expect(signer.forGateway('identity', 'POST', '/auth/login')).not.toBe(
      signer.forGateway('identity', 'POST', '/auth/login'),
    );
  });
});
