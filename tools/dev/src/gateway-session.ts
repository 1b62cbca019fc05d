import { totpCode } from './totp';

export interface Answer<T = Record<string, unknown>> {
  status: number;
  body: T;
}

/** The public API through the gateway, as a browser uses it (the session cookie, JSON bodies). */
export class GatewaySession {
  private cookie?: string;

  constructor(private readonly baseUrl: string) {}

  async call<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<Answer<T>> {
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(this.cookie ? { cookie: this.cookie } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const session = res.headers.getSetCookie().find((c) => c.startsWith('__Host-tr_session='));
    if (session) this.cookie = session.split(';')[0];
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : {}) as T };
  }

  /** Like call, but anything other than the expected statuses is an error naming the route and the answer. */
  async expect<T = Record<string, unknown>>(
    method: string,
    path: string,
    body: unknown,
    statuses: number[] = [200, 201],
  ): Promise<Answer<T>> {
    const answer = await this.call<T>(method, path, body);
    if (!statuses.includes(answer.status))
      throw new Error(
        `${method} ${path} answered ${answer.status}: ${JSON.stringify(answer.body).slice(0, 300)}`,
      );
    return answer;
  }

  /**
   * Logs in; with a second factor, answers with the authenticator's code (enrolling it first when
   * identity asks, with `onEnrolled` receiving the new secret). Resolves false on a refused password.
   */
  async login(
    credentials: { organisation: string; email: string; password: string },
    authenticator: { secret?: string; onEnrolled?: (secret: string) => void } = {},
  ): Promise<boolean> {
    const first = await this.call('POST', '/api/auth/login', credentials);
    if (first.status === 401) return false;
    if (first.status !== 200) throw new Error(`login of ${credentials.email} answered ${first.status}`);
    if (!first.body.secondFactorRequired) return true;
    const challenge = first.body.challenge as string;
    let secret = authenticator.secret;
    if (first.body.enrolmentRequired) {
      const enrolled = await this.expect('POST', '/api/auth/login/second-factor/enrol', { challenge });
      secret = enrolled.body.secret as string;
      authenticator.onEnrolled?.(secret);
    }
    if (!secret)
      throw new Error(`${credentials.email} has a second factor whose secret this machine does not keep`);
    // identity never takes a time step twice: a restart within 30 s of the last login uses the next one.
    let status = 0;
    for (const offset of [0, 1]) {
      const code = totpCode(secret, new Date(), offset);
      status = (await this.call('POST', '/api/auth/login/second-factor', { challenge, code })).status;
      if (status === 200) return true;
    }
    throw new Error(`second factor of ${credentials.email} refused (${status})`);
  }
}
