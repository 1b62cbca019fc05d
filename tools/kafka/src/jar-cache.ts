import { existsSync, promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { discard, type LogSink, requireCommand, runToCompletion } from './child-processes';
import { withFileLock } from './file-lock';

const COMPLETE_MARKER = '.complete';

/**
 * The jars a pom.xml names (with their runtime dependencies), fetched once from Maven Central by mvn
 * into `~/.cache/therapy-room/<cacheName>/libs` (THERAPY_ROOM_CACHE overrides the root) under a lock
 * that concurrent test workers share; returns the java classpath string.
 */
export async function ensureMavenClasspath(
  pomPath: string,
  cacheName: string,
  opts: { onLog?: LogSink } = {},
): Promise<string> {
  const log = opts.onLog ?? discard;
  const libsDir = cachedLibsDir(cacheName);
  await requireCommand('java', ['-version']);
  if (!isComplete(libsDir)) {
    await withFileLock(`${libsDir}.lock`, async () => {
      // Another process may have finished the download while we waited for the lock.
      if (!isComplete(libsDir)) await fetchJars(pomPath, libsDir, log);
    });
  }
  return classpathOf(libsDir);
}

function cachedLibsDir(cacheName: string): string {
  const cacheRoot = process.env.THERAPY_ROOM_CACHE ?? path.join(os.homedir(), '.cache', 'therapy-room');
  return path.join(cacheRoot, cacheName, 'libs');
}

function isComplete(libsDir: string): boolean {
  return existsSync(path.join(libsDir, COMPLETE_MARKER));
}

async function fetchJars(pomPath: string, libsDir: string, log: LogSink): Promise<void> {
  await requireCommand('mvn', ['-v']);
  // Start from scratch so jars of an interrupted download never leak into the classpath.
  await fs.rm(libsDir, { recursive: true, force: true });
  await fs.mkdir(libsDir, { recursive: true });
  log(`fetching the jars of ${pomPath} into ${libsDir}`);
  const args = ['-B', '-q', '-f', pomPath, 'dependency:copy-dependencies'];
  args.push('-DincludeScope=runtime', `-DoutputDirectory=${libsDir}`);
  await runToCompletion('mvn', args, log);
  await fs.writeFile(path.join(libsDir, COMPLETE_MARKER), `${new Date().toISOString()}\n`);
}

async function classpathOf(libsDir: string): Promise<string> {
  const jars = (await fs.readdir(libsDir)).filter((file) => file.endsWith('.jar')).sort();
  return jars.map((jar) => path.join(libsDir, jar)).join(path.delimiter);
}
