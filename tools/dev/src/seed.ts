// `npm run seed`: seeds the demo organisation into the running local stack (npm start does this too).
import { loadServiceEnv } from './stack-env';
import { runIdentityCli } from './run-identity-cli';
import { demo, seedArgs } from './demo';

async function main() {
  const env = loadServiceEnv('identity');
  const result = await runIdentityCli(seedArgs(env.REGION), {
    ...env,
    TENANT_ADMIN_PASSWORD: demo.adminPassword,
  });
  process.stdout.write(result.stdout);
  process.stderr.write(result.stderr);
  process.exit(result.code ?? 1);
}
void main();
