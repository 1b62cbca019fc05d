import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServiceUnderTest, TEST_CLIENT_ADDRESS, type TestPerson } from '@therapy-room/testing';
import { AppModule } from '../../src/app.module';
import { openEventStream } from './event-stream';

export type Person = TestPerson;

/**
 * Messaging in the test process on its own database and topics, fed with identity's and caseload's
 * events as those services publish them, and called with the gateway's internal tokens.
 */
export async function startMessaging(topics: string[] = [], env: Record<string, string> = {}) {
  const exportRoot = mkdtempSync(join(tmpdir(), 'messaging-export-'));
  const fixture = await startServiceUnderTest(AppModule, 'messaging', {
    topics,
    env: {
      DATA_MASTER_KEYS: JSON.stringify({ k1: randomBytes(32).toString('base64') }),
      DATA_MASTER_KEY_ID: 'k1',
      EXPORT_ROOT: exportRoot,
      ...env,
    },
  });
  const { service, as, token } = fixture;

  /** Caseload grants a professional access to a client (assignment or time-boxed link); waits until applied. */
  async function grant(
    professional: Person,
    client: Person,
    window: { kind?: 'assignment' | 'link'; validFrom?: Date; validUntil?: Date } = {},
  ): Promise<{ grantId: string; professional: Person; client: Person }> {
    return { grantId: await fixture.grant(professional, client, window), professional, client };
  }

  async function revoke(g: { grantId: string; professional: Person; client: Person }): Promise<void> {
    await fixture.revoke(g.grantId, g.professional, g.client);
  }

  /** Starts the conversation (as a professional with clientId, as a client with professionalId). */
  const start = async (by: Person, other: Person): Promise<string> => {
    const res = await as(by).post(
      '/messaging/conversations',
      by.role === 'client' ? { professionalId: other.id } : { clientId: other.id },
    );
    if (res.status !== 201 && res.status !== 200)
      throw new Error(`start answered ${res.status}: ${res.text}`);
    return res.body.id as string;
  };

  const send = (by: Person, conversationId: string, body: string, id: string = randomUUID()) =>
    as(by).post(`/messaging/conversations/${conversationId}/messages`, { id, body });

  /** The person's live stream, straight from messaging (as the gateway opens it). */
  const stream = (p: Person) =>
    openEventStream(`${service.url}/messaging/stream`, {
      authorization: `Bearer ${token(p)}`,
      'x-client-address': TEST_CLIENT_ADDRESS,
    });

  return {
    ...fixture,
    exportRoot,
    people: fixture.announce,
    grant,
    revoke,
    start,
    send,
    stream,
  };
}
export type MessagingFixture = Awaited<ReturnType<typeof startMessaging>>;
