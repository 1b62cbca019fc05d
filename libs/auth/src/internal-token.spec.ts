import jwt from 'jsonwebtoken';
import { generateSigningKey, signInternalToken, verifyInternalToken, type Actor } from './internal-token';

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

describe('internal token', () => {
  it('round-trips the actor', () => {
    expect(verifyInternalToken(signInternalToken(actor, current), keys, 'eea')).toEqual(actor);
  });

  it('accepts tokens of every key in the set (rotation overlap) and refuses unknown kids', () => {
    expect(verifyInternalToken(signInternalToken(actor, previous), keys, 'eea').userId).toBe(actor.userId);
    expect(() =>
      verifyInternalToken(signInternalToken(actor, previous), { [current.kid]: current.publicKeyPem }, 'eea'),
    ).toThrow('unknown signing key');
  });

  it('refuses a token signed by another key under a known kid', () => {
    const forged = signInternalToken(actor, {
      kid: current.kid,
      privateKeyPem: generateSigningKey().privateKeyPem,
    });
    expect(() => verifyInternalToken(forged, keys, 'eea')).toThrow('invalid signature');
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
        audience: 'therapy-room-services',
        expiresIn: -10,
      },
    );
    expect(() => verifyInternalToken(token, keys, 'eea')).toThrow('jwt expired');
  });

  it('refuses a token minted for another region', () => {
    expect(() =>
      verifyInternalToken(signInternalToken({ ...actor, region: 'uk' }, current), keys, 'eea'),
    ).toThrow('another region');
  });

  it('refuses the "none" algorithm', () => {
    const unsigned = jwt.sign({ sub: actor.userId }, '', {
      algorithm: 'none',
      keyid: current.kid,
    } as jwt.SignOptions);
    expect(() => verifyInternalToken(unsigned, keys, 'eea')).toThrow();
  });
});
