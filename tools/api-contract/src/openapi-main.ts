// `npm run openapi -- --out build/openapi.json`: the public OpenAPI document, as the gateway serves it
// at GET /api/docs, from the real services (started here on a throw-away PostgreSQL and Kafka).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { startContractStack } from './contract-stack';
import { validateOpenApi } from '@therapy-room/testing';

async function main() {
  const at = process.argv.indexOf('--out');
  const out = resolve(at >= 0 && process.argv[at + 1] ? process.argv[at + 1] : 'build/openapi.json');
  const log = (line: string) => process.stderr.write(`openapi | ${line}\n`);
  const { stack, stop } = await startContractStack(log, { seed: false });
  try {
    const res = await fetch(`${stack.gatewayUrl}/api/docs`);
    if (!res.ok) throw new Error(`GET /api/docs answered ${res.status}: ${await res.text()}`);
    const document = (await res.json()) as { paths: Record<string, object> };
    await validateOpenApi(document);
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, `${JSON.stringify(document, null, 2)}\n`);
    const operations = Object.values(document.paths).reduce((n, item) => n + Object.keys(item).length, 0);
    log(`${operations} operations written to ${out} (valid OpenAPI 3.1)`);
  } finally {
    await stop();
  }
}

main().then(
  () => process.exit(0),
  (err: Error) => {
    process.stderr.write(`openapi | failed: ${err.message}\n`);
    process.exit(1);
  },
);
