/** The demo organisation `npm start` seeds. Local development only. */
export const demo = {
  slug: 'demo',
  name: 'Demo Practice',
  adminEmail: 'admin@demo.example',
  adminName: 'Demo Admin',
  adminPassword: process.env.DEMO_ADMIN_PASSWORD ?? 'Demo-Password-2026!',
};

export function seedArgs(region: string): string[] {
  return [
    'create-tenant',
    '--slug',
    demo.slug,
    '--name',
    demo.name,
    '--region',
    region,
    '--seats',
    '5',
    '--admin-email',
    demo.adminEmail,
    '--admin-name',
    demo.adminName,
    '--if-not-exists',
  ];
}
