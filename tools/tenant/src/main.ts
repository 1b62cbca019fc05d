// `npm run tenant -- create-tenant --slug … --name … --region eea --admin-email … --admin-name …`
// Platform ops: creates an organisation and its first org admin in the running local stack, through
// identity's own CLI. The admin's initial password comes from TENANT_ADMIN_PASSWORD.
import { loadServiceEnv, runIdentityCli } from '@therapy-room/tools-dev';

async function main() {
  const env = loadServiceEnv('identity');
  const result = await runIdentityCli(process.argv.slice(2), {
    ...env,
    LOG_LEVEL: 'error',
    TENANT_ADMIN_PASSWORD: process.env.TENANT_ADMIN_PASSWORD ?? '',
  });
  process.stdout.write(result.stdout);
  process.stderr.write(result.stderr);
  process.exit(result.code ?? 1);
}
void main();
