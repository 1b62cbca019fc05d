// `npm run audit -- verify --tenant <slug>`: audit's ops CLI against the running local stack (its env).
import { spawnTs } from './service-process';
import { loadServiceEnv } from './stack-env';

const child = spawnTs('services/audit/src/cli.ts', process.argv.slice(2), {
  ...loadServiceEnv('audit'),
  LOG_LEVEL: 'error',
});
child.stdout?.pipe(process.stdout);
child.stderr?.pipe(process.stderr);
child.once('exit', (code) => process.exit(code ?? 1));
