import { randomUUID } from 'node:crypto';
import type { Answer, GatewaySession } from './gateway-session';
import type { DemoLogin } from './demo-people';

const DAY = 86_400_000;

/**
 * Retries a call while the services are still learning of each other's facts (caseload learns of a
 * new account, content of a new assignment, from Kafka events a moment later): waits on the fact,
 * not a fixed time.
 */
async function eventually<T>(
  call: () => Promise<Answer<T>>,
  ok: number[],
  timeoutMs = 30_000,
): Promise<Answer<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const answer = await call();
    if (ok.includes(answer.status)) return answer;
    if (![403, 404].includes(answer.status) || Date.now() > deadline)
      throw new Error(`answered ${answer.status}: ${JSON.stringify(answer.body).slice(0, 300)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** A day `daysAgo` days back at a given hour (UTC), for diary entries. */
const at = (now: number, daysAgo: number, hour: number) => {
  const d = new Date(now - daysAgo * DAY);
  d.setUTCHours(hour, 0, 0, 0);
  return d.toISOString();
};

interface Context {
  admin: GatewaySession;
  pro: DemoLogin;
  tools: Map<string, string>;
  now: number;
}

/**
 * Gives the demo clients a history worth opening, through the public API as the professional and each
 * client would: assigned to the professional, tools offered, pages, diaries over a few weeks,
 * questionnaires, feedback, messages, a shared report. A client whose tools are already offered is
 * left as they are (each start runs this: idempotent). Returns what was done, per client.
 */
export async function seedDemoHistory(admin: GatewaySession, logins: DemoLogin[]): Promise<string[]> {
  const pro = logins.find((l) => l.person.role === 'professional')!;
  const library = await pro.session.expect<{ items: { id: string; key: string }[] }>(
    'GET',
    '/api/content/library',
    undefined,
    [200],
  );
  const context: Context = {
    admin,
    pro,
    tools: new Map(library.body.items.map((t) => [t.key, t.id])),
    now: Date.now(),
  };
  const done: string[] = [];
  for (const client of logins.filter((l) => l.person.role === 'client')) {
    await eventually(
      () => admin.call('POST', '/api/caseload/assignments', { clientId: client.id, professionalId: pro.id }),
      [201, 409],
    );
    const offered = await eventually<{ items: unknown[] }>(
      () => pro.session.call('GET', `/api/content/clients/${client.id}/assignments`),
      [200],
    );
    if (offered.body.items.length > 0) continue;
    await histories[client.person.key as keyof typeof histories](context, client);
    done.push(client.person.key);
  }
  return done;
}

async function offer(c: Context, client: DemoLogin, toolKey: string, extra: Record<string, unknown> = {}) {
  const toolId = c.tools.get(toolKey);
  if (!toolId) throw new Error(`the content library has no ${toolKey}`);
  const answer = await eventually<{ id: string }>(
    () => c.pro.session.call('POST', '/api/content/assignments', { clientId: client.id, toolId, ...extra }),
    [201],
  );
  return answer.body.id;
}

async function moodDiary(c: Context, client: DemoLogin, days: number, trend: (day: number) => number) {
  const assignment = await offer(c, client, 'mood-diary');
  for (let day = days; day >= 1; day--) {
    const mood = Math.max(0, Math.min(10, Math.round(trend(day))));
    await eventually(
      () =>
        client.session.call('POST', `/api/content/assignments/${assignment}/diary-entries`, {
          values: {
            mood,
            anxiety: Math.max(0, 8 - mood),
            sleep: 6 + (day % 3),
            ...(day % 4 === 0 ? { activities: ['outdoors', 'social'] } : {}),
          },
          recordedAt: at(c.now, day, 20),
        }),
      [201],
    );
  }
}

async function phq9(c: Context, client: DemoLogin, item9: number) {
  const assignment = await offer(c, client, 'phq-9');
  const answers = Object.fromEntries(
    [2, 2, 1, 2, 1, 1, 1, 0, item9].map((value, i) => [`phq9-${i + 1}`, value]),
  );
  await eventually(
    () => client.session.call('POST', `/api/content/assignments/${assignment}/responses`, { answers }),
    [201],
  );
}

async function send(session: GatewaySession, conversation: string, body: string) {
  await session.expect(
    'POST',
    `/api/messaging/conversations/${conversation}/messages`,
    { id: randomUUID(), body },
    [201],
  );
}

const histories: Record<'alex' | 'robin' | 'charlie', (c: Context, client: DemoLogin) => Promise<void>> = {
  async alex(c, client) {
    const module = await offer(c, client, 'cbt-low-mood', { supported: true });
    const page = (session: string, key: string, answers: Record<string, unknown>, completed = true) =>
      eventually(
        () =>
          client.session.call('PUT', `/api/content/assignments/${module}/pages/${session}/${key}`, {
            answers,
            completed,
          }),
        [200],
      );
    await page('session-1', 'welcome', {});
    await page('session-1', 'the-circle', {
      'mood-now': 3,
      'my-circle': 'Skipped football on Saturday, thought nobody would miss me, stayed in bed all afternoon.',
    });
    await page('session-1', 'goals', {
      areas: ['relationships', 'leisure'],
      hope: 'To enjoy the weekends again.',
    });
    await c.pro.session.expect(
      'POST',
      `/api/content/assignments/${module}/feedback`,
      {
        sessionKey: 'session-1',
        text: 'Well spotted how staying in bed fed the low mood. Next week: one small plan for Saturday.',
      },
      [201],
    );
    await page('session-2', 'activity-and-mood', {}, false);
    await moodDiary(c, client, 21, (day) => 3 + (21 - day) / 6);
    await phq9(c, client, 1);
    const conversation = await c.pro.session.expect<{ id: string }>(
      'POST',
      '/api/messaging/conversations',
      { clientId: client.id },
      [200, 201],
    );
    await send(c.pro.session, conversation.body.id, 'Hi Alex, I read your first session. How was this week?');
    await send(client.session, conversation.body.id, 'A bit better. I went for a walk twice.');
    await send(c.pro.session, conversation.body.id, 'That is a good step. I left feedback on session 1.');
    await send(
      c.pro.session,
      conversation.body.id,
      'Could you also fill in the PHQ-9 again before Thursday?',
    );
  },

  async robin(c, client) {
    const diary = await offer(c, client, 'blood-glucose-diary');
    for (let day = 21; day >= 1; day--) {
      for (const [moment, time, hour, base] of [
        ['fasting', '07:30', 7, 6.1],
        ['after_meal', '13:30', 13, 8.4],
      ] as const) {
        await eventually(
          () =>
            client.session.call('POST', `/api/content/assignments/${diary}/diary-entries`, {
              values: { glucose: Math.round((base + ((day * 7) % 10) / 10 - 0.4) * 10) / 10, moment, time },
              recordedAt: at(c.now, day, hour),
            }),
          [201],
        );
      }
    }
    await client.session.expect(
      'POST',
      `/api/content/clients/${client.id}/report-shares`,
      { days: 28, toolIds: [c.tools.get('blood-glucose-diary')] },
      [201],
    );
  },

  async charlie(c, client) {
    await moodDiary(c, client, 14, (day) => 6 + (day % 3) - 1);
    await phq9(c, client, 0);
    await offer(c, client, 'cbt-low-mood', { supported: false });
  },
};
