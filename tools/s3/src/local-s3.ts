import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { ensureMavenClasspath, freePorts } from '@therapy-room/local-kafka';

/**
 * A real S3-compatible server on 127.0.0.1 for tests: S3Proxy (org.gaul:s3proxy, Apache-2.0) with its
 * filesystem backend, its jars fetched from Maven Central by mvn into ~/.cache/therapy-room on first
 * use (as tools/kafka does for Kafka). It speaks the S3 REST API with AWS Signature V4, so the
 * services' own S3 client is what the tests exercise.
 */
export interface LocalS3Handle {
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** where the objects are kept (the backend's directory): a test may look at what is stored */
  dataDir: string;
  stop(): Promise<void>;
}

const S3PROXY_VERSION = '2.6.0';
const PACKAGE_DIR = path.join(__dirname, '..');
const HOST = '127.0.0.1';

export async function startLocalS3(
  opts: { onLog?: (line: string) => void; startTimeoutMs?: number } = {},
): Promise<LocalS3Handle> {
  const classpath = await ensureMavenClasspath(
    path.join(PACKAGE_DIR, 'pom.xml'),
    `s3proxy-${S3PROXY_VERSION}`,
    opts,
  );
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'therapy-room-s3-'));
  const dataDir = path.join(root, 'data');
  await fs.mkdir(dataDir);
  const [port] = await freePorts(1);
  const accessKeyId = `local-${randomBytes(4).toString('hex')}`;
  const secretAccessKey = randomBytes(24).toString('base64url');
  const endpoint = `http://${HOST}:${port}`;
  const props = [
    `s3proxy.endpoint=${endpoint}`,
    's3proxy.authorization=aws-v2-or-v4',
    `s3proxy.identity=${accessKeyId}`,
    `s3proxy.credential=${secretAccessKey}`,
    'jclouds.provider=filesystem',
    `jclouds.filesystem.basedir=${dataDir}`,
  ];
  const propsPath = path.join(root, 's3proxy.properties');
  await fs.writeFile(propsPath, `${props.join('\n')}\n`, { mode: 0o600 });
  const args = ['-Xmx256m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1'];
  args.push(`-Dlogback.configurationFile=${path.join(PACKAGE_DIR, 'logback.xml')}`);
  args.push('-cp', classpath, 'org.gaul.s3proxy.Main', '--properties', propsPath);
  const child = spawn('java', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const tail: string[] = [];
  const remember = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
      tail.push(line);
      if (tail.length > 40) tail.shift();
      opts.onLog?.(line);
    }
  };
  child.stdout?.on('data', remember);
  child.stderr?.on('data', remember);
  let exited = false;
  const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void gone.then(() => (exited = true));
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  const stop = async () => {
    process.off('exit', killOnExit);
    if (!exited) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await gone;
      clearTimeout(timer);
    }
    await fs.rm(root, { recursive: true, force: true });
  };
  try {
    await waitUntilAnswering(child, endpoint, () => exited, opts.startTimeoutMs ?? 90_000, tail);
  } catch (error) {
    await stop();
    throw error;
  }
  return { endpoint, region: 'us-east-1', accessKeyId, secretAccessKey, dataDir, stop };
}

/** Ready when the server answers HTTP at all (an unsigned request gets 403 from S3). */
async function waitUntilAnswering(
  child: ChildProcess,
  endpoint: string,
  hasExited: () => boolean,
  timeoutMs: number,
  tail: string[],
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (hasExited()) throw new Error(`S3Proxy exited before answering:\n${tail.join('\n')}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`S3Proxy did not answer within ${timeoutMs} ms:\n${tail.join('\n')}`);
    }
    try {
      const res = await fetch(endpoint, { signal: AbortSignal.timeout(2_000) });
      await res.arrayBuffer();
      return;
    } catch {
      await delay(250);
    }
  }
}
