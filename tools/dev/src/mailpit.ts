import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { homedir } from 'node:os';
import { promisify } from 'node:util';

/** Mailpit (MIT), the local mail catcher, built once from the Go module proxy and cached. */
export const MAILPIT_MODULE = 'github.com/axllent/mailpit';
export const MAILPIT_VERSION = 'v1.33.1';

export interface MailCatcher {
  /** identity's SMTP_URL */
  smtpUrl: string;
  /** where the mails can be read */
  webUrl: string;
  stop(): Promise<void>;
}

const run = promisify(execFile);
const cacheDir = () =>
  join(process.env.THERAPY_ROOM_CACHE ?? join(homedir(), '.cache', 'therapy-room'), 'tools');

/**
 * The cached Mailpit binary, built with `go install` on first use. Resolves with a one-line reason
 * instead when it cannot be had (no Go, no module proxy): the stack then runs without a mail catcher.
 */
export async function ensureMailpit(
  say: (line: string) => void,
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ bin: string } | { reason: string }> {
  const dir = join(cacheDir(), `mailpit-${MAILPIT_VERSION}`);
  const bin = join(dir, 'mailpit');
  if (existsSync(bin)) return { bin };
  try {
    await run('go', ['version'], { env });
  } catch {
    return {
      reason: 'Go is not installed, so there is no local mail catcher: mails wait in identity’s mail_outbox',
    };
  }
  say(
    `building Mailpit ${MAILPIT_VERSION} from the Go module proxy (once, about a minute; cached in ${dir})`,
  );
  mkdirSync(cacheDir(), { recursive: true });
  // Built aside and renamed into place: two stacks starting at once never run a half-written binary.
  const building = mkdtempSync(join(cacheDir(), '.mailpit-'));
  try {
    await run('go', ['install', `${MAILPIT_MODULE}@${MAILPIT_VERSION}`], {
      env: { ...env, GOBIN: building, GOFLAGS: '-buildvcs=false' },
      maxBuffer: 16 * 1024 * 1024,
    });
    mkdirSync(dir, { recursive: true });
    renameSync(join(building, 'mailpit'), bin);
    return { bin };
  } catch (err) {
    const stderr = String((err as { stderr?: string }).stderr ?? '').trim();
    const detail = (stderr || (err as Error).message).trim().split('\n').pop();
    return { reason: `building Mailpit failed (${detail}): mails wait in identity’s mail_outbox` };
  } finally {
    rmSync(building, { recursive: true, force: true });
  }
}

/** Starts Mailpit on 127.0.0.1 and waits until it answers; its mails are kept in `database`. */
export async function startMailpit(options: {
  bin: string;
  smtpPort: number;
  webPort: number;
  database: string;
  timeoutMs?: number;
}): Promise<MailCatcher> {
  const webUrl = `http://127.0.0.1:${options.webPort}`;
  mkdirSync(dirname(options.database), { recursive: true });
  const child: ChildProcess = spawn(
    options.bin,
    [
      '--smtp',
      `127.0.0.1:${options.smtpPort}`,
      '--listen',
      `127.0.0.1:${options.webPort}`,
      '--database',
      options.database,
      '--disable-version-check',
      '--quiet',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const tail: string[] = [];
  const keep = (chunk: Buffer) => tail.push(...chunk.toString('utf8').split('\n').filter(Boolean).slice(-5));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + (options.timeoutMs ?? 20_000);
  for (;;) {
    if (child.exitCode !== null) throw new Error(`Mailpit exited: ${tail.slice(-1)[0] ?? child.exitCode}`);
    const ready = await fetch(`${webUrl}/readyz`)
      .then((r) => r.ok)
      .catch(() => false);
    if (ready) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`Mailpit did not answer on ${webUrl} in time: ${tail.slice(-1)[0] ?? ''}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    smtpUrl: `smtp://127.0.0.1:${options.smtpPort}`,
    webUrl: `http://localhost:${options.webPort}`,
    async stop() {
      process.removeListener('exit', killOnExit);
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

export interface LocalMail {
  /** identity's SMTP_URL, when there is a relay */
  smtpUrl?: string;
  /** for the banner */
  fact: { webUrl: string } | { reason: string } | { external: string };
  inboxUrl?: string;
  stop(): Promise<void>;
}

/**
 * identity's SMTP relay for `npm start`: SMTP_URL when given, otherwise a Mailpit on this machine
 * (built once), otherwise none (one line says why; mails then wait in identity's mail_outbox).
 */
export async function startLocalMail(options: {
  say: (line: string) => void;
  database: string;
  env?: NodeJS.ProcessEnv;
}): Promise<LocalMail> {
  const env = options.env ?? process.env;
  const none = async () => undefined;
  if (env.SMTP_URL) {
    const { protocol, host } = new URL(env.SMTP_URL);
    return { smtpUrl: env.SMTP_URL, fact: { external: `${protocol}//${host}` }, stop: none };
  }
  const found = await ensureMailpit(options.say, { ...process.env, ...env });
  if ('reason' in found) {
    options.say(found.reason);
    return { fact: { reason: found.reason }, stop: none };
  }
  const catcher = await startMailpit({
    bin: found.bin,
    smtpPort: Number(env.MAILPIT_SMTP_PORT ?? 1025),
    webPort: Number(env.MAILPIT_PORT ?? 8025),
    database: options.database,
  });
  return {
    smtpUrl: catcher.smtpUrl,
    fact: { webUrl: catcher.webUrl },
    inboxUrl: catcher.webUrl,
    stop: () => catcher.stop(),
  };
}
