import { execFileSync } from 'node:child_process';
import { chownSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { Client } from 'pg';
import { spawnTs } from '@therapy-room/testing';
import {
  createDataSource,
  ensureDatabase,
  ensureProvisioningAdmin,
  postgresConnection,
  provisionServiceSchema,
  runServiceMigrations,
} from '@therapy-room/platform';

/**
 * Services verify PostgreSQL's certificate (DATABASE_CA_FILE: verify-full), as against CloudNativePG's
 * server certificate in a region. A PostgreSQL with ssl=on and a certificate for `localhost`, signed by
 * a CA made here (openssl), and a second CA that signed nothing of the server's.
 */
function makeCertificates(dir: string): { ca: string; otherCa: string } {
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  for (const ca of ['ca', 'other-ca'])
    openssl(
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '2',
      '-subj',
      `/CN=${ca}`,
      '-keyout',
      `${ca}.key`,
      '-out',
      `${ca}.crt`,
    );
  openssl(
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-subj',
    '/CN=localhost',
    '-keyout',
    'server.key',
    '-out',
    'server.csr',
  );
  writeFileSync(join(dir, 'server.ext'), 'subjectAltName=DNS:localhost\n');
  openssl(
    'x509',
    '-req',
    '-in',
    'server.csr',
    '-CA',
    'ca.crt',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-days',
    '2',
    '-extfile',
    'server.ext',
    '-out',
    'server.crt',
  );
  return { ca: join(dir, 'ca.crt'), otherCa: join(dir, 'other-ca.crt') };
}

/** As root, PostgreSQL runs as the `postgres` user, which must own its key file (mode 0600). */
function giveToPostgres(dir: string) {
  if (process.getuid?.() !== 0) return;
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres']).toString().trim());
  for (const path of [dir, ...readdirSync(dir).map((f) => join(dir, f))]) chownSync(path, id('-u'), id('-g'));
}

describe('PostgreSQL over TLS, verified (sslmode=verify-full)', () => {
  let dir: string;
  let certs: { ca: string; otherCa: string };
  let server: ChildProcess;
  let pg: { adminUrl: () => string; port: number };
  /** The server's URL under a host name: `localhost` is on its certificate, 127.0.0.1 is not. */
  const at = (url: string, host: string) => Object.assign(new URL(url), { hostname: host }).toString();
  const sslOf = async (connection: ReturnType<typeof postgresConnection>) => {
    const client = new Client(connection);
    await client.connect();
    try {
      return (await client.query(`SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()`)).rows[0];
    } finally {
      await client.end();
    }
  };

  beforeAll(async () => {
    // The user `postgres` reads the key: the folder must not be root's private temporary folder.
    dir = mkdtempSync(join(tmpdir(), 'therapy-room-pg-tls-'));
    certs = makeCertificates(dir);
    execFileSync('chmod', ['0600', join(dir, 'server.key')]);
    giveToPostgres(dir);
    const settings = {
      ssl: 'on',
      ssl_cert_file: join(dir, 'server.crt'),
      ssl_key_file: join(dir, 'server.key'),
    };
    server = spawnTs('tools/postgres/test/serve-local-postgres.ts', [JSON.stringify(settings)], {});
    const stderr: string[] = [];
    server.stderr!.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
    const [line] = (await Promise.race([
      once(createInterface({ input: server.stdout! }), 'line'),
      once(server, 'exit').then(() =>
        Promise.reject(new Error(`PostgreSQL did not start: ${stderr.join('')}`)),
      ),
    ])) as [string];
    const started = JSON.parse(line) as { adminUrl: string; port: number };
    pg = { adminUrl: () => started.adminUrl, port: started.port };
  });
  afterAll(async () => {
    if (server && server.exitCode === null) {
      const exited = once(server, 'exit');
      server.kill('SIGTERM');
      await exited;
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("connects over TLS when the server's certificate is signed by DATABASE_CA_FILE and names the host", async () => {
    expect(await sslOf(postgresConnection(at(pg.adminUrl(), 'localhost'), certs.ca))).toEqual({ ssl: true });
    // A URL's own ssl parameters cannot turn the verification off.
    const downgraded = `${at(pg.adminUrl(), 'localhost')}?sslmode=disable`;
    expect(await sslOf(postgresConnection(downgraded, certs.ca))).toEqual({ ssl: true });
  });

  it('refuses a server whose certificate another CA signed, or that names another host', async () => {
    await expect(sslOf(postgresConnection(at(pg.adminUrl(), 'localhost'), certs.otherCa))).rejects.toThrow(
      /self[- ]signed|unable to verify|unable to get/i,
    );
    await expect(sslOf(postgresConnection(at(pg.adminUrl(), '127.0.0.1'), certs.ca))).rejects.toThrow(
      /IP: 127\.0\.0\.1 is not in the cert's list|does not match/i,
    );
  });

  it('provisions, migrates and serves a service through verified TLS only', async () => {
    const superuser = postgresConnection(at(pg.adminUrl(), 'localhost'), certs.ca);
    const admin = await ensureProvisioningAdmin(
      superuser.connectionString,
      'tls_admin',
      'tls-admin-pw',
      certs.ca,
    );
    await ensureDatabase(superuser.connectionString, 'tls_app', undefined, 'tls_admin', certs.ca);
    await provisionServiceSchema({
      adminUrl: admin,
      database: 'tls_app',
      schema: 'tlsprobe',
      role: 'tlsprobe_svc',
      password: 'tlsprobe-pw',
      caFile: certs.ca,
    });
    const config = {
      SERVICE_NAME: 'tlsprobe',
      DATABASE_URL: `postgres://tlsprobe_svc:tlsprobe-pw@localhost:${pg.port}/tls_app`,
      DATABASE_SCHEMA: 'tlsprobe',
      DATABASE_CA_FILE: certs.ca,
    };
    await runServiceMigrations(config, { entities: [], migrations: [] });
    const dataSource = createDataSource(
      { ...config, DATABASE_POOL_MAX: 1 },
      { entities: [], migrations: [] },
    );
    await dataSource.initialize();
    try {
      const [row] = await dataSource.query(
        `SELECT s.ssl, (SELECT count(*)::int FROM migration) AS migrations
           FROM pg_stat_ssl s WHERE s.pid = pg_backend_pid()`,
      );
      expect(row).toEqual({ ssl: true, migrations: 1 });
    } finally {
      await dataSource.destroy();
    }
    // Without the CA the same URL is refused (the server's CA is not a public one).
    const untrusted = createDataSource(
      {
        ...config,
        DATABASE_URL: `${config.DATABASE_URL}?sslmode=verify-full`,
        DATABASE_CA_FILE: undefined,
        DATABASE_POOL_MAX: 1,
      },
      { entities: [], migrations: [] },
    );
    await expect(untrusted.initialize()).rejects.toThrow(/self[- ]signed|unable to verify|unable to get/i);
  });
});
