// `npm run seed:content`: validates seeds/content and loads it into the running local stack's content
// service (npm start and npm run seed do this too). A broken file is refused: file, path, reason.
import { loadServiceEnv } from './stack-env';
import { runContentCli } from './run-content-cli';

async function main() {
  const result = await runContentCli(['seed-library'], { ...loadServiceEnv('content'), LOG_LEVEL: 'error' });
  process.stdout.write(result.stdout);
  process.stderr.write(result.stderr);
  process.exit(result.code ?? 1);
}
void main();
