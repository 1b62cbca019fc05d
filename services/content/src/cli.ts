import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { NestFactory } from '@nestjs/core';
import { ConfigError } from '@therapy-room/platform';
import { AppModule } from './app.module';
import { formatContentFileErrors, loadContentDirectory } from './library/content-files';
import { LibraryService } from './library/library.service';

const usage = `Usage: content-cli seed-library [--dir <directory>]
Validates every *.json content file of the directory (default: seeds/content) against the content
schema and publishes each as platform content: a new tool, or a new revision of a changed one.
A broken file is refused (file, path inside it, reason) and nothing is loaded.`;

/** Ops commands of the content service, run where content runs (locally: npm run seed). */
async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { dir: { type: 'string' } },
  });
  if (positionals[0] !== 'seed-library') {
    process.stderr.write(`${usage}\n`);
    return 2;
  }
  const directory = resolve(values.dir ?? join(__dirname, '..', '..', '..', 'seeds', 'content'));
  const { files, errors } = loadContentDirectory(directory);
  if (errors.length) {
    process.stderr.write(`Content files refused:\n${formatContentFileErrors(errors)}\n`);
    return 2;
  }
  process.env.LOG_STREAM = 'stderr';
  process.env.OUTBOX_RELAY_ENABLED = 'false';
  const app = await NestFactory.createApplicationContext(AppModule, { logger: false });
  try {
    const results = await app.get(LibraryService).seedPlatform(files);
    process.stdout.write(
      `${JSON.stringify({
        tools: results.map((r) => ({
          key: r.key,
          kind: r.kind,
          revision: r.revision,
          published: r.published,
        })),
      })}\n`,
    );
    return 0;
  } finally {
    await app.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(
      `${err instanceof ConfigError ? err.message : `content-cli failed: ${(err as Error).message}`}\n`,
    );
    process.exit(1);
  },
);
