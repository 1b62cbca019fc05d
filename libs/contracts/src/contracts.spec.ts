import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defineEvent } from './define-event';
import { eventContracts, topics } from './registry';
import { z } from 'zod';

const fixture = (topic: string): Record<string, unknown> =>
  JSON.parse(readFileSync(join(__dirname, '__fixtures__', `${topic}.json`), 'utf8'));

describe('event contracts', () => {
  it.each(topics)('%s: a message of the previous release still parses', (topic) => {
    expect(eventContracts[topic].message.safeParse(fixture(topic)).success).toBe(true);
  });

  it.each(topics)('%s: refuses unknown payload fields (no free text can sneak in)', (topic) => {
    const message = fixture(topic);
    const withExtra = { ...message, payload: { ...(message.payload as object), note: 'feeling low today' } };
    const result = eventContracts[topic].message.safeParse(withExtra);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]).toMatchObject({ code: 'unrecognized_keys', path: ['payload'] });
  });

  it('refuses a message published under another topic', () => {
    const message = { ...fixture('identity.user.registered.v1'), type: 'identity.tenant.created.v1' };
    expect(eventContracts['identity.user.registered.v1'].message.safeParse(message).success).toBe(false);
  });

  it('refuses an envelope whose id is not a UUIDv7', () => {
    const message = { ...fixture('identity.user.registered.v1'), id: '5f0c6a43-2b1d-4e7a-9c3f-8d2e1a0b9c7d' };
    expect(eventContracts['identity.user.registered.v1'].message.safeParse(message).success).toBe(false);
  });

  it('refuses a topic name outside <service>.<entity>.<event>.v<N>', () => {
    expect(() => defineEvent({ topic: 'UserRegistered', description: 'x', payload: z.object({}) })).toThrow(
      /does not follow/,
    );
    expect(() =>
      defineEvent({ topic: 'identity.user.registered', description: 'x', payload: z.object({}) }),
    ).toThrow();
  });

  const erasureConfirmations = topics.filter((t) => t.endsWith('.erasure.completed.v1'));

  it.each(erasureConfirmations)('%s: carries counts of what was deleted, and only counts', (topic) => {
    const message = fixture(topic);
    const withCounts = (counts: unknown) => ({
      ...message,
      payload: { ...(message.payload as object), counts },
    });
    const contract = eventContracts[topic];
    expect(contract.message.safeParse(withCounts({ assignments: 3, data_keys: 1 })).success).toBe(true);
    expect(contract.message.safeParse(withCounts({ assignments: -1 })).success).toBe(false);
    expect(contract.message.safeParse(withCounts({ assignments: 1.5 })).success).toBe(false);
    expect(contract.message.safeParse(withCounts({ 'Jane Doe': 1 })).success).toBe(false);
    expect(contract.message.safeParse(withCounts({ note: 'feeling low' })).success).toBe(false);
  });
});
