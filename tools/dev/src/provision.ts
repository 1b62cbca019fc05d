// Creates a service's database role and schema (idempotent). Run by the Helm pre-install/upgrade hook Job
// with DATABASE_ADMIN_URL (an administrator) and DATABASE_URL (the service's own role and database).
import { provisionServiceSchema } from '@therapy-room/platform';

async function main() {
  const admin = process.env.DATABASE_ADMIN_URL;
  const service = process.env.DATABASE_URL;
  const schema = process.env.DATABASE_SCHEMA;
  const missing = [
    !admin && 'DATABASE_ADMIN_URL',
    !service && 'DATABASE_URL',
    !schema && 'DATABASE_SCHEMA',
  ].filter(Boolean);
  if (missing.length) {
    process.stderr.write(`Missing environment variables: ${missing.join(', ')}\n`);
    process.exit(1);
  }
  const url = new URL(service!);
  // A schema owned by a separate migration role (audit): DATABASE_OWNER_URL names it.
  const ownerUrl = process.env.DATABASE_OWNER_URL ? new URL(process.env.DATABASE_OWNER_URL) : undefined;
  await provisionServiceSchema({
    adminUrl: admin!,
    database: url.pathname.slice(1),
    schema: schema!,
    role: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
    owner: ownerUrl
      ? { role: decodeURIComponent(ownerUrl.username), password: decodeURIComponent(ownerUrl.password) }
      : undefined,
  });
  process.stdout.write(`provisioned role ${decodeURIComponent(url.username)} and schema ${schema}\n`);
}
main().catch((err: Error) => {
  process.stderr.write(`provisioning failed: ${err.message}\n`);
  process.exit(1);
});
