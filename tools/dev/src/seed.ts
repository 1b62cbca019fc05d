// `npm run seed`: seeds the demo organisation and the content library (seeds/content) into the running
// local stack (npm start does this too).
import { loadServiceEnv } from './stack-env';
import { runIdentityCli } from './run-identity-cli';
import { runContentCli } from './run-content-cli';
import { demo, seedArgs } from './demo';

async function main() {
  const env = loadServiceEnv('identity');
  const result = await runIdentityCli(seedArgs(env.REGION), {
    ...env,
    TENANT_ADMIN_PASSWORD: demo.adminPassword,
  });
  process.stdout.write(result.stdout);
  process.stderr.write(result.stderr);
  if (result.code !== 0) process.exit(result.code ?? 1);
  const content = await runContentCli(['seed-library'], { ...loadServiceEnv('content'), LOG_LEVEL: 'error' });
  process.stdout.write(content.stdout);
  process.stderr.write(content.stderr);
  process.exit(content.code ?? 1);
}
void main();
