import { parseArgs } from 'node:util';
import { NestFactory } from '@nestjs/core';
import {
  ConfigError,
  ValidationException,
  zodIssuesToFieldErrors,
  type FieldError,
} from '@therapy-room/platform';
import { AppModule } from './app.module';
import { TenantsService } from './tenants/tenants.service';
import { createTenantSchema } from './tenants/dto/create-tenant.dto';
import { IdentityErrorCode, IdentityException } from './common/identity.exception';
import { StaffAccountsService } from './staff-access/staff-accounts.service';
import { StaffAccessException } from './staff-access/staff-access.exception';
import { createStaffSchema } from './staff-access/dto/create-staff.dto';

const usage = `Usage: identity-cli create-tenant --slug <slug> --name <name> --region <eea|uk> [--seats <n>]
         --admin-email <email> --admin-name <name> [--if-not-exists] [--operator]
       identity-cli create-staff --email <email> --name <name> [--tenant <operator slug>]
The admin's initial password is read from the TENANT_ADMIN_PASSWORD environment variable, a staff
member's from STAFF_PASSWORD (never from arguments, which other users of the machine can see).
--operator marks the platform operator's own organisation, where platform staff accounts live.`;

/** Field-level refusal (exit code 2), naming the admin's password by the variable it came from. */
function refuse(errors: FieldError[], withUsage: boolean): number {
  const lines = errors.map(
    (e) =>
      `  ${e.path.replace('admin.password', 'TENANT_ADMIN_PASSWORD').replace(/^password$/, 'STAFF_PASSWORD')}: ${e.message}`,
  );
  process.stderr.write(`Invalid input:\n${lines.join('\n')}\n${withUsage ? `\n${usage}\n` : ''}`);
  return 2;
}

/**
 * Ops commands of the identity service, run where identity runs (`kubectl exec`, or tools/tenant
 * locally) so they go through the same code, validation and outbox as the service itself.
 */
async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      slug: { type: 'string' },
      name: { type: 'string' },
      region: { type: 'string' },
      seats: { type: 'string' },
      'admin-email': { type: 'string' },
      'admin-name': { type: 'string' },
      'if-not-exists': { type: 'boolean', default: false },
      operator: { type: 'boolean', default: false },
      email: { type: 'string' },
      tenant: { type: 'string' },
    },
  });
  if (positionals[0] === 'create-staff') return createStaff(values);
  if (positionals[0] !== 'create-tenant') {
    process.stderr.write(`${usage}\n`);
    return 2;
  }
  const parsed = createTenantSchema.safeParse({
    slug: values.slug,
    name: values.name,
    region: values.region,
    professionalSeats: values.seats === undefined ? undefined : Number(values.seats),
    operator: values.operator,
    admin: {
      email: values['admin-email'],
      displayName: values['admin-name'],
      password: process.env.TENANT_ADMIN_PASSWORD,
    },
  });
  if (!parsed.success) return refuse(zodIssuesToFieldErrors(parsed.error.issues), true);
  process.env.LOG_STREAM = 'stderr';
  process.env.OUTBOX_RELAY_ENABLED = 'false';
  const app = await NestFactory.createApplicationContext(AppModule, { logger: false });
  try {
    const result = await app.get(TenantsService).createWithAdmin(parsed.data);
    process.stdout.write(`${JSON.stringify({ created: true, slug: parsed.data.slug, ...result })}\n`);
    return 0;
  } catch (err) {
    if (
      err instanceof IdentityException &&
      err.code === IdentityErrorCode.TenantSlugTaken &&
      values['if-not-exists']
    ) {
      process.stdout.write(`${JSON.stringify({ created: false, slug: parsed.data.slug })}\n`);
      return 0;
    }
    // The password policy is applied by the service: its refusal is bad input like a parse failure.
    if (err instanceof ValidationException) return refuse(err.errors, false);
    if (err instanceof IdentityException) {
      process.stderr.write(`${err.message}\n`);
      return 1;
    }
    throw err;
  } finally {
    await app.close();
  }
}

/** A platform staff account in the operator organisation (2FA is enrolled at its first login). */
async function createStaff(values: { email?: string; name?: string; tenant?: string }): Promise<number> {
  const parsed = createStaffSchema.safeParse({
    email: values.email,
    displayName: values.name,
    tenantSlug: values.tenant,
    password: process.env.STAFF_PASSWORD,
  });
  if (!parsed.success) return refuse(zodIssuesToFieldErrors(parsed.error.issues), true);
  process.env.LOG_STREAM = 'stderr';
  process.env.OUTBOX_RELAY_ENABLED = 'false';
  const app = await NestFactory.createApplicationContext(AppModule, { logger: false });
  try {
    const result = await app.get(StaffAccountsService).createStaff(parsed.data);
    process.stdout.write(`${JSON.stringify({ created: true, ...result })}\n`);
    return 0;
  } catch (err) {
    if (err instanceof ValidationException) return refuse(err.errors, false);
    if (err instanceof IdentityException || err instanceof StaffAccessException) {
      process.stderr.write(`${err.message}\n`);
      return 1;
    }
    throw err;
  } finally {
    await app.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(
      `${err instanceof ConfigError ? err.message : `identity-cli failed: ${(err as Error).message}`}\n`,
    );
    process.exit(1);
  },
);
