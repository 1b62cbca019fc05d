import jwt from 'jsonwebtoken';
import { generateSigningKey, signInternalToken, verifyInternalToken, type Actor } from './internal-token';
import { signGatewayServiceToken, verifyGatewayServiceToken } from './gateway-service-token';

const actor: Actor = {
  userId: '7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
  tenantId: '5f0c6a43-2b1d-4e7a-9c3f-8d2e1a0b9c7d',
  roles: ['professional'],
  region: 'eea',
  sessionId: 's-1',
};
const current = generateSigningKey('2026-11');
const previous = generateSigningKey('2026-10');
const keys = { [current.kid]: current.publicKeyPem, [previous.kid]: previous.publicKeyPem };
/** What caseload expects: its region and its own name as the audience. */
const caseload = { region: 'eea', audience: 'caseload' };

describe('internal token', () => {
  it('round-trips the actor', () => {
    expect(verifyInternalToken(signInternalToken(actor, current, 'caseload'), keys, caseload)).toEqual(actor);
  });

  it('carries when the session was authenticated (auth_time, whole seconds), for steps that need it fresh', () => {
    const authenticated = { ...actor, authenticatedAt: '2026-11-02T10:00:07.000Z' };
    const token = signInternalToken(authenticated, current, 'caseload');
    expect((jwt.decode(token) as { auth_time: number }).auth_time).toBe(
      Date.parse('2026-11-02T10:00:07Z') / 1000,
    );
    expect(verifyInternalToken(token, keys, caseload)).toEqual(authenticated);
  });

  it('carries the staff grant and the org admin who approved it (grsp), the responsible user in the audit', () => {
    const underGrant: Actor = {
      ...actor,
      roles: ['platform_staff'],
      grantId: '0b6f7c1e-3a2d-4c5b-9e8f-1a2b3c4d5e6f',
      grantResponsible: '9c8b7a6f-5e4d-4c3b-8a2f-1e0d9c8b7a6f',
    };
    const token = signInternalToken(underGrant, current, 'caseload');
    expect(jwt.decode(token)).toMatchObject({ gid: underGrant.grantId, grsp: underGrant.grantResponsible });
    expect(verifyInternalToken(token, keys, caseload)).toEqual(underGrant);
    // No grant, no one responsible for it: the claim is not minted on its own.
    const withoutGrant = signInternalToken(
      { ...actor, grantResponsible: underGrant.grantResponsible },
      current,
      'caseload',
    );
    expect(jwt.decode(withoutGrant)).not.toHaveProperty('grsp');
  });

  it('refuses a responsible user without a grant, and one that is not a user id', () => {
    const sign = (claims: Record<string, unknown>) =>
      jwt.sign(
        { tid: actor.tenantId, roles: ['platform_staff'], region: 'eea', sid: 's', ...claims },
        current.privateKeyPem,
        {
          algorithm: 'ES256',
          keyid: current.kid,
          subject: actor.userId,
          issuer: 'therapy-room-gateway',
          audience: 'caseload',
          expiresIn: 60,
        },
      );
    const gid = '0b6f7c1e-3a2d-4c5b-9e8f-1a2b3c4d5e6f';
    expect(() => verifyInternalToken(sign({ grsp: actor.userId }), keys, caseload)).toThrow(
      'malformed claims',
    );
    expect(() => verifyInternalToken(sign({ gid, grsp: 'admin' }), keys, caseload)).toThrow(
      'malformed claims',
    );
    expect(verifyInternalToken(sign({ gid, grsp: actor.tenantId }), keys, caseload).grantResponsible).toBe(
      actor.tenantId,
    );
  });

  it('accepts tokens of every key in the set (rotation overlap) and refuses unknown kids', () => {
    expect(verifyInternalToken(signInternalToken(actor, previous, 'caseload'), keys, caseload).userId).toBe(
      actor.userId,
    );
    expect(() =>
      verifyInternalToken(
        signInternalToken(actor, previous, 'caseload'),
        { [current.kid]: current.publicKeyPem },
        caseload,
      ),
    ).toThrow('unknown signing key');
  });

  it('refuses a token signed by another key under a known kid', () => {
    const forged = signInternalToken(
      actor,
      { kid: current.kid, privateKeyPem: generateSigningKey().privateKeyPem },
      'caseload',
    );
    expect(() => verifyInternalToken(forged, keys, caseload)).toThrow('invalid signature');
  });

  it('refuses expired tokens', () => {
    const token = jwt.sign(
      { tid: actor.tenantId, roles: actor.roles, region: 'eea', sid: 's' },
      current.privateKeyPem,
      {
        algorithm: 'ES256',
        keyid: current.kid,
        subject: actor.userId,
        issuer: 'therapy-room-gateway',
        audience: 'caseload',
        expiresIn: -10,
      },
    );
    expect(() => verifyInternalToken(token, keys, caseload)).toThrow('jwt expired');
  });

  it('refuses a token minted for another region', () => {
    expect(() =>
      verifyInternalToken(signInternalToken({ ...actor, region: 'uk' }, current, 'caseload'), keys, caseload),
    ).toThrow('another region');
  });

  it('refuses the "none" algorithm', () => {
    const unsigned = jwt.sign({ sub: actor.userId }, '', {
      algorithm: 'none',
      keyid: current.kid,
    } as jwt.SignOptions);
    expect(() => verifyInternalToken(unsigned, keys, caseload)).toThrow();
  });

  it('is good at the one service it was minted for: a token for content is refused by messaging', () => {
    const forContent = signInternalToken(actor, current, 'content');
    expect(verifyInternalToken(forContent, keys, { region: 'eea', audience: 'content' })).toEqual(actor);
    expect(() => verifyInternalToken(forContent, keys, { region: 'eea', audience: 'messaging' })).toThrow(
      'jwt audience invalid',
    );
  });

  it('refuses a token naming several audiences, even with the right one among them', () => {
    const token = jwt.sign(
      { tid: actor.tenantId, roles: actor.roles, region: 'eea', sid: 's' },
      current.privateKeyPem,
      {
        algorithm: 'ES256',
        keyid: current.kid,
        subject: actor.userId,
        issuer: 'therapy-room-gateway',
        audience: ['content', 'caseload'],
        expiresIn: 60,
      },
    );
    expect(() => verifyInternalToken(token, keys, caseload)).toThrow('malformed claims');
  });

  it('refuses the gateway service token as an actor token', () => {
    const token = signGatewayServiceToken(current, 'caseload', 'POST /caseload/clients');
    expect(() => verifyInternalToken(token, keys, caseload)).toThrow('malformed claims');
  });
});

describe('gateway service token', () => {
  it('names the gateway, one service, one route, and lives at most 60 seconds', () => {
    const claims = verifyGatewayServiceToken(
      signGatewayServiceToken(current, 'identity', 'POST /auth/login', 3600),
      keys,
      'identity',
    );
    expect(claims).toMatchObject({ sub: 'gateway', aud: 'identity', purpose: 'POST /auth/login' });
    expect(claims.jti).toEqual(expect.any(String));
    expect(claims.exp - claims.iat).toBeLessThanOrEqual(60);
  });

  it('is refused by another service, with an unknown key, or when made for longer than 60 seconds', () => {
    const token = signGatewayServiceToken(current, 'identity', 'POST /auth/login');
    expect(() => verifyGatewayServiceToken(token, keys, 'content')).toThrow('jwt audience invalid');
    expect(() =>
      verifyGatewayServiceToken(token, { [previous.kid]: previous.publicKeyPem }, 'identity'),
    ).toThrow('unknown signing key');
    const longLived = jwt.sign({ purpose: 'POST /auth/login' }, current.privateKeyPem, {
      algorithm: 'ES256',
      keyid: current.kid,
      subject: 'gateway',
      issuer: 'therapy-room-gateway',
      audience: 'identity',
      expiresIn: 3600,
      jwtid: '0b6f3b1e-8a0c-4b9e-9d3c-2f7a1c5e4d3b',
    });
    expect(() => verifyGatewayServiceToken(longLived, keys, 'identity')).toThrow('malformed claims');
  });

  it('refuses an actor token in its place', () => {
    const token = signInternalToken(actor, current, 'identity');
    expect(() => verifyGatewayServiceToken(token, keys, 'identity')).toThrow('jwt subject invalid');
  });
});
