// Creates a service's database role and schema (idempotent). Run by the Helm pre-install/upgrade hook Job
// with DATABASE_ADMIN_URL (an administrator) and DATABASE_URL (the service's own role and database);
// with DATA_KEYS_DATABASE_URL, DATA_KEYS_ADMIN_URL and DATA_KEYS_SCHEMA, its key role and schema in
// the region's key database too.
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
  // A service that seals health data also has a schema in the region's key database.
  const keys = process.env.DATA_KEYS_DATABASE_URL;
  if (keys) {
    const keysAdmin = process.env.DATA_KEYS_ADMIN_URL;
    const keysSchema = process.env.DATA_KEYS_SCHEMA;
    if (!keysAdmin || !keysSchema) {
      throw new Error('DATA_KEYS_DATABASE_URL needs DATA_KEYS_ADMIN_URL and DATA_KEYS_SCHEMA');
    }
    const keysUrl = new URL(keys);
    await provisionServiceSchema({
      adminUrl: keysAdmin,
      database: keysUrl.pathname.slice(1),
      schema: keysSchema,
      role: decodeURIComponent(keysUrl.username),
      password: decodeURIComponent(keysUrl.password),
    });
    process.stdout.write(
      `provisioned key role ${decodeURIComponent(keysUrl.username)} and schema ${keysSchema} in the key database\n`,
    );
  }
}
main().catch((err: Error) => {
  process.stderr.write(`provisioning failed: ${err.message}\n`);
  process.exit(1);
});
