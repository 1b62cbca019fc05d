import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { internalAudiences, signInternalToken } from '@therapy-room/auth';
import { TEST_CLIENT_ADDRESS, testSigningKey } from '@therapy-room/testing';
import { startMessaging, type MessagingFixture, type Person } from '../support/messaging-fixture';

/**
 * An internal token is good at the one service it was minted for: messaging refuses a token the
 * gateway minted for content (or identity, or caseload), signed with the very same key.
 */
describe('messaging accepts only internal tokens minted for messaging', () => {
  let fx: MessagingFixture;
  let client: Person;

  beforeAll(async () => {
    fx = await startMessaging();
    [client] = await fx.people(randomUUID(), [{ role: 'client', name: 'Chris Client' }]);
  });
  afterAll(async () => {
    await fx?.stop();
  });

  const unread = (token: string) =>
    request(fx.service.url)
      .get('/messaging/unread')
      .set('authorization', `Bearer ${token}`)
      .set('x-client-address', TEST_CLIENT_ADDRESS);

  it.each(internalAudiences.filter((a) => a !== 'messaging'))(
    'refuses a token minted for %s',
    async (audience) => {
      const res = await unread(signInternalToken(fx.actor(client), testSigningKey, audience)).expect(401);
      expect(res.body).toMatchObject({ status: 401, detail: 'Authentication required.' });
    },
  );

  it('accepts the same actor with a token minted for messaging', async () => {
    await unread(signInternalToken(fx.actor(client), testSigningKey, 'messaging')).expect(200);
  });
});
