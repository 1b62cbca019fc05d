import { totpCode, totpStep } from '@therapy-room/tools-dev';

export interface LoginCredentials {
  organisation: string;
  email: string;
  password: string;
}

export interface CompletedLogin {
  /** `__Host-tr_session=…`, as a browser would send it back. */
  cookie: string;
  /** The raw Set-Cookie headers of the answer that created the session. */
  setCookie: string[];
  status: number;
  body: {
    user: { id: string; role: string; tenantId: string };
    expiresAt: string;
    recoveryCodes?: string[];
  };
  /** How the password step answered: a session at once, or a second factor (or enrolment) first. */
  passwordStep: 'session' | 'verify' | 'enrol';
}

/** What a test's "authenticator app" holds for one account. */
export interface TestAuthenticator {
  secret: string;
  /** The last time step used: identity refuses a step twice, so the next login takes a later one. */
  lastStep: number;
  recoveryCodes: string[];
}

const COOKIE = '__Host-tr_session';
const keyOf = (c: LoginCredentials) => `${c.organisation}\0${c.email.toLowerCase()}`;

/**
 * Logs in through the gateway as a browser would, completing the second factor when identity asks
 * for one: enrolling (and keeping the secret and recovery codes) when the account must have 2FA and
 * has none, otherwise answering with the next unused TOTP step, then a recovery code, then (if a
 * test logs in very often) waiting for the next step.
 */
export class TestLogins {
  private readonly authenticators = new Map<string, TestAuthenticator>();

  constructor(private readonly gatewayUrl: () => string) {}

  authenticatorOf(credentials: LoginCredentials): TestAuthenticator | undefined {
    return this.authenticators.get(keyOf(credentials));
  }

  /** Registers an authenticator enrolled by the test itself (e.g. through /api/auth/2fa/enrol). */
  remember(credentials: LoginCredentials, authenticator: TestAuthenticator): void {
    this.authenticators.set(keyOf(credentials), authenticator);
  }

  /** The next code to type: a fresh TOTP step if one is left in identity's window, else a recovery code. */
  async nextCode(credentials: LoginCredentials): Promise<string> {
    const auth = this.authenticatorOf(credentials);
    if (!auth) throw new Error(`no authenticator known for ${credentials.email}: enrol it first`);
    for (;;) {
      const now = new Date();
      // The current step, else the next one (identity accepts ±1); never an earlier one, which a
      // step boundary between here and identity could push out of the window.
      for (const offset of [0, 1]) {
        const step = totpStep(now) + offset;
        if (step > auth.lastStep) {
          auth.lastStep = step;
          return totpCode(auth.secret, now, offset);
        }
      }
      const recovery = auth.recoveryCodes.shift();
      if (recovery) return recovery;
      await new Promise((r) => setTimeout(r, 30_000 - (now.getTime() % 30_000) + 50));
    }
  }

  async loginAs(
    credentials: LoginCredentials,
    options: { headers?: Record<string, string> } = {},
  ): Promise<CompletedLogin> {
    const post = async (path: string, body: unknown) => {
      const res = await fetch(`${this.gatewayUrl()}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...options.headers },
        body: JSON.stringify(body),
      });
      const text = await res.text();
      if (res.status !== 200) throw new Error(`${path} answered ${res.status}: ${text}`);
      return { res, body: JSON.parse(text) as Record<string, unknown> };
    };
    const { organisation, email, password } = credentials;
    const first = await post('/api/auth/login', { organisation, email, password });
    let final = first;
    let passwordStep: CompletedLogin['passwordStep'] = 'session';
    if (first.body.secondFactorRequired) {
      const challenge = first.body.challenge as string;
      if (first.body.enrolmentRequired) {
        passwordStep = 'enrol';
        const enrolled = await post('/api/auth/login/second-factor/enrol', { challenge });
        this.remember(credentials, {
          secret: enrolled.body.secret as string,
          lastStep: -1,
          recoveryCodes: [],
        });
      } else {
        passwordStep = 'verify';
      }
      final = await post('/api/auth/login/second-factor', {
        challenge,
        code: await this.nextCode(credentials),
      });
      const codes = final.body.recoveryCodes as string[] | undefined;
      if (codes) this.authenticatorOf(credentials)!.recoveryCodes = [...codes];
    }
    const setCookie = final.res.headers.getSetCookie();
    const cookie = sessionCookieOf(setCookie);
    if (!cookie) throw new Error(`no ${COOKIE} cookie in ${JSON.stringify(setCookie)}`);
    return {
      cookie,
      setCookie,
      status: final.res.status,
      body: final.body as CompletedLogin['body'],
      passwordStep,
    };
  }
}

/** The session cookie (`name=value`, for a Cookie header) among an answer's Set-Cookie headers. */
export function sessionCookieOf(setCookie: string[] | string | undefined): string | undefined {
  const headers = typeof setCookie === 'string' ? [setCookie] : (setCookie ?? []);
  return headers.find((c) => c.startsWith(`${COOKIE}=`))?.split(';')[0];
}
