import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export interface ServiceProcess {
  name: string;
  url: string;
  logs: string[];
  process: ChildProcess;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export const repoRoot = join(__dirname, '..', '..', '..');

/** Children still running; killed if this process exits first, so none is ever left behind. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/**
 * Runs a TypeScript entry point of this repo with Node (SWC compiles on the fly), from the repo root.
 * Node 24 warns once per process about the negative timer delay kafkajs 2.2.4 arms when nothing is
 * throttled (it counts as 1 ms, as before): silenced like in the image (Dockerfile).
 */
export function spawnTs(entry: string, args: string[], env: Record<string, string>): ChildProcess {
  const nodeFlags = ['--disable-warning=TimeoutNegativeWarning', '-r', '@swc-node/register'];
  const child = spawn(process.execPath, [...nodeFlags, entry, ...args], {
    cwd: repoRoot,
    env: { ...process.env, ...env, SWC_NODE_PROJECT: join(repoRoot, 'tsconfig.json') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  child.once('exit', () => running.delete(child));
  return child;
}

/**
 * Starts a service as its own process, the way `npm start` and a container do (services never import
 * each other, so cross-service tests run them side by side), and waits until /health/ready answers.
 * The port comes from PORT (use a free one); the logs are kept for assertions and failure messages.
 */
export async function startServiceProcess(
  name: string,
  env: Record<string, string>,
  options: { readyTimeoutMs?: number; onLine?: (line: string) => void; entry?: string } = {},
): Promise<ServiceProcess> {
  const child = spawnTs(join('services', name, 'src', options.entry ?? 'main.ts'), [], env);
  const logs: string[] = [];
  const collect = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
      logs.push(line);
      if (logs.length > 2000) logs.shift();
      options.onLine?.(line);
    }
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${env.PORT}`;
  const deadline = Date.now() + (options.readyTimeoutMs ?? 60_000);
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(
        `${name} exited with ${child.exitCode} before it was ready:\n${logs.slice(-30).join('\n')}`,
      );
    const ready = await fetch(`${url}/health/ready`)
      .then((r) => r.ok)
      .catch(() => false);
    if (ready) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${name} was not ready in time:\n${logs.slice(-30).join('\n')}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    name,
    url,
    logs,
    process: child,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode === null) child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}
