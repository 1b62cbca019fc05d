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

export type DemoRole = 'professional' | 'client';
export interface DemoPerson {
  key: 'professional' | 'alex' | 'robin' | 'charlie';
  email: string;
  displayName: string;
  role: DemoRole;
  /** What their history shows, for the banner. */
  story: string;
}

/** The demo organisation's people; they share the admin's password. */
export const demoPeople: DemoPerson[] = [
  {
    key: 'professional',
    email: 'sam@demo.example',
    displayName: 'Sam Visser',
    role: 'professional',
    story: 'psychologist: three clients, an open PHQ-9 flag, unread messages',
  },
  {
    key: 'alex',
    email: 'alex@demo.example',
    displayName: 'Alex de Vries',
    role: 'client',
    story: 'low-mood module in progress with feedback, mood diary, PHQ-9 with a flag, unread messages',
  },
  {
    key: 'robin',
    email: 'robin@demo.example',
    displayName: 'Robin Bakker',
    role: 'client',
    story: 'blood-glucose diary, a report shared with the GP',
  },
  {
    key: 'charlie',
    email: 'charlie@demo.example',
    displayName: 'Charlie Jansen',
    role: 'client',
    story: 'mood diary, PHQ-9 without a flag',
  },
];

/** The demo people of an organisation: `sam@demo.example` in `demo`, `sam@demo-uk.example` in `demo-uk`. */
export function demoPeopleOf(organisation: Pick<typeof demo, 'slug'> = demo): DemoPerson[] {
  return demoPeople.map((p) => ({
    ...p,
    email: p.email.replace('@demo.example', `@${organisation.slug}.example`),
  }));
}
