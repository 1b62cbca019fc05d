/**
 * How the actor stands to one client: an org admin (every client of the organisation), platform staff
 * under an access grant (read only), the client's assigned professional, a colleague linked right now,
 * or the client themself. Anyone else does not learn that the client exists.
 */
export type Standing = 'org_admin' | 'staff' | 'assigned' | 'linked' | 'self';

/** Who may do what, per standing. Not listed: not found (404) for strangers, forbidden (403) otherwise. */
export const allowed = {
  read: ['org_admin', 'staff', 'assigned', 'linked', 'self'],
  link: ['org_admin', 'assigned'],
  unlink: ['org_admin', 'assigned'],
  move: ['org_admin'],
  unassign: ['org_admin'],
} as const satisfies Record<string, readonly Standing[]>;
export type CaseloadOperation = keyof typeof allowed;

export const may = (operation: CaseloadOperation, standing: Standing): boolean =>
  (allowed[operation] as readonly Standing[]).includes(standing);
