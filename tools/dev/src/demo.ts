/** The demo organisation `npm start` seeds. Local development only. */
export const demo = {
  slug: 'demo',
  name: 'Demo Practice',
  adminEmail: 'admin@demo.example',
  adminName: 'Demo Admin',
  adminPassword: process.env.DEMO_ADMIN_PASSWORD ?? 'Demo-Password-2026!',
};

export function seedArgs(region: string, organisation: typeof demo = demo): string[] {
  return [
    'create-tenant',
    '--slug',
    organisation.slug,
    '--name',
    organisation.name,
    '--region',
    region,
    '--seats',
    '5',
    '--admin-email',
    organisation.adminEmail,
    '--admin-name',
    organisation.adminName,
    '--if-not-exists',
  ];
}
