import { z } from 'zod';
import { defineEvent } from '../define-event';
import { userRoleSchema } from '../identity/user-registered.v1';

/** The fixed vocabulary of audited actions (grows with the features that emit them). */
export const auditActions = [
  'auth.login',
  'user.deactivate',
  'user.reactivate',
  /**
   * A user ended their session: signed out, or (reason `replaced`) signed in again in the same browser,
   * whose new session replaces the old one (e.g. re-authentication before an export).
   */
  'auth.logout',
  /** Every session of a user ended at once (logout everywhere, password change). */
  'session.revoke_all',
  'user.erase',
  /** The second login step (TOTP or recovery code); `auth.login` success then names the challenge. */
  'auth.second_factor',
  'auth.two_factor.enrolled',
  'auth.two_factor.disabled',
  /** An org admin made 2FA mandatory (or not) for the organisation's professionals. */
  'tenant.two_factor.changed',
  /** An org admin published a new version of the organisation's privacy statement. */
  'privacy.publish',
  /** A user acknowledged a version of the organisation's privacy statement. */
  'privacy.acknowledge',
  /** Platform staff access grants: requested by staff, decided or revoked by an org admin, used by staff. */
  'staff_access.request',
  'staff_access.approve',
  'staff_access.deny',
  'staff_access.revoke',
  /** A grant's time ran out: identity's sweep ended it (no actor; the grant's sessions ended with it). */
  'staff_access.expire',
  /** A staff session switched to acting in the grant's organisation. */
  'staff_access.use',
  /**
   * One request made by platform staff under an access grant, recorded by the gateway before it is
   * forwarded (resource `api.request`, resourceId the method and path, never the query string).
   */
  'staff_access.act',
  /** A client's caseload entry was read (opened, or shown in a caseload list: one entry per client). */
  'caseload.read',
  /** A client was added to, or taken off, a professional's caseload, or moved to another professional. */
  'caseload.assign',
  'caseload.unassign',
  'caseload.move',
  /** A professional took a client nobody had into their own caseload (where the organisation allows it). */
  'caseload.self_assign',
  /** An org admin changed the organisation's caseload settings (e.g. whether professionals take unassigned clients). */
  'caseload.settings_change',
  /** A colleague was linked to a client (time-boxed), or the link was ended early. */
  'caseload.link',
  'caseload.unlink',
  /** A professional or org admin listed the organisation's professionals to link one to a client (a page that showed anyone). */
  'caseload.colleague_search',
  /** Caseload deleted what it held about an erased subject. */
  'caseload.erase',
  /** An org admin set, changed or removed the organisation's OIDC single sign-on configuration. */
  'tenant.sso.changed',
  /** A single sign-on login (OIDC callback): success names the session, a failure carries a `reason`. */
  'auth.sso',
  /** A client account created at its first single sign-on login (the organisation allows it). */
  'user.sso_created',
  /** An invited person set their first password with the invitation link (failure: the link was not valid). */
  'user.activate',
  /** A password reset link was asked for (throttled: too many this hour), or used to set a new password. */
  'auth.password_reset.request',
  'auth.password_reset.confirm',
  /** A conversation between a client and a professional was started (or an existing one reopened). */
  'messaging.start',
  /** A conversation was read: listed, opened, or a page of its messages shown (one entry per conversation). */
  'messaging.read',
  /** A message was sent (a retried send of the same message is not a second entry). */
  'messaging.send',
  /** A participant marked a conversation read up to a message. */
  'messaging.mark_read',
  /** Messaging deleted what it held about an erased subject (rows and data key). */
  'messaging.erase',
  /** Messaging wrote its part of a subject export. */
  'messaging.export',
  /** A client's work in content was read (a tool with their answers, entries, scores, a report). */
  'content.read',
  /** A tool was offered to a client, withdrawn, or moved to another revision of the tool. */
  'content.assign',
  'content.withdraw',
  'content.revise',
  /** A client saved work: answers on a page, a diary entry, a questionnaire response. */
  'content.write',
  /** A tool (revision) was published to the library (organisation tools: by an org admin). */
  'content.publish',
  /** A professional acknowledged a flag raised by a questionnaire response. */
  'content.flag_acknowledge',
  /** A client shared a report through a link, revoked it, or the link was opened by its recipient. */
  'content.share',
  'content.share_revoke',
  'content.share_open',
  /** Content deleted (erasure) or exported what it held about a subject. */
  'content.erase',
  'content.export',
  /** The audit log was read: a client's contact history, or an org admin's search of the log. */
  'audit.read',
  /** An org admin exported (a search of) the organisation's audit log as CSV. */
  'audit.export',
  /** An org admin set how many years the organisation's audit log is kept (at least 5). */
  'audit.retention.change',
  /** Audit removed the pseudonym → subject mapping of an erased subject (the records stay, naming nobody). */
  'audit.erase',
  /** An erasure or export of a client's data was asked for (by the client, or on their behalf). */
  'retention.request',
  /** An org admin approved a request (four eyes: never their own); a refusal by the retention policy. */
  'retention.approve',
  'retention.refuse',
  /** An org admin held, resumed or cancelled a scheduled erasure during its grace period. */
  'retention.hold',
  'retention.resume',
  'retention.cancel',
  /** A legal hold on a client (blocks every erasure) placed or lifted, with a reason kept by retention. */
  'retention.legal_hold',
  'retention.legal_hold_lift',
  /** An org admin read an erasure certificate, or changed the organisation's retention policy. */
  'retention.certificate_read',
  'retention.policy_change',
  /** An org admin read the dry-run report of the expiry sweep (which clients it would erase). */
  'retention.sweep_report',
  /** An export package was created, downloaded, or expired unread. */
  'retention.export_create',
  'retention.export_download',
  'retention.export_expire',
] as const;
export const auditActionSchema = z.enum(auditActions);
export type AuditAction = z.infer<typeof auditActionSchema>;

export const auditOutcomes = ['success', 'failure', 'throttled', 'locked'] as const;
export const auditOutcomeSchema = z.enum(auditOutcomes);
export type AuditOutcome = z.infer<typeof auditOutcomeSchema>;

/**
 * On what grounds the actor could reach the subject's data (NEN 7513: the authorisation), when the
 * emitting service knows it. Optional: entries of older releases carry none.
 */
export const auditBases = [
  /** The client acting on their own record. */
  'self',
  /** A professional with the client in their caseload. */
  'caseload_assignment',
  /** A colleague with a time-boxed link to the client (e.g. holiday cover). */
  'colleague_link',
  /** Platform staff under an organisation's approved access grant. */
  'staff_grant',
  /** Someone holding a report share link the client made. */
  'shared_report',
  /** An org admin managing the organisation (not its clients' health content). */
  'organisation_admin',
  /** The platform itself (an event handler, a sweep): no person acted. */
  'system',
] as const;
export const auditBasisSchema = z.enum(auditBases);
export type AuditBasis = z.infer<typeof auditBasisSchema>;

/** How sensitive the data touched is: health content weighs more than an account or a session. */
export const auditSensitivities = ['none', 'personal', 'health'] as const;
export const auditSensitivitySchema = z.enum(auditSensitivities);

/** NEN 7513 fields added after the first release: all optional, so v1 messages stay valid. */
export const auditEntryContextShape = {
  basis: auditBasisSchema.optional(),
  /** The person responsible when the actor acts for another (e.g. the org admin who approved a staff grant). */
  responsibleUserId: z.uuid().optional(),
  /** The staff access grant the actor acted under. */
  grantId: z.uuid().optional(),
  sensitivity: auditSensitivitySchema.optional(),
  /** The service that recorded the entry ('identity', 'content'); audit derives it from the action if absent. */
  sourceService: z
    .string()
    .regex(/^[a-z][a-z-]{0,31}$/)
    .optional(),
};

/** A resource type is an identifier ('session', 'client.diary'), never free text. */
const identifier = z.string().regex(/^[a-z][a-z0-9_.-]{0,63}$/);
/** What kind of thing was touched ('session', 'caseload.entry'). */
export const auditResourceSchema = identifier;

export const auditEntryRecordedV1 = defineEvent({
  topic: 'audit.entry.recorded.v1',
  description:
    'Who did what to which resource, with what outcome, from where (NEN 7513). Ids and facts only: ' +
    'no e-mail addresses, names, passwords or health content. The envelope subjectId is the person ' +
    'the entry is about, when known.',
  payload: z.object({
    action: auditActionSchema,
    outcome: auditOutcomeSchema,
    /** The authenticated actor; null when nobody is authenticated (e.g. a failed login). */
    actorId: z.uuid().nullable(),
    actorRole: userRoleSchema.nullable(),
    resource: identifier,
    resourceId: z.string().min(1).max(128).nullable(),
    /** Why an attempt was refused, as a code ('state_invalid', 'account_unknown'); never free text. */
    reason: identifier.optional(),
    sourceAddress: z.union([z.ipv4(), z.ipv6()]),
    requestId: z.string().min(1).max(128),
    ...auditEntryContextShape,
  }),
});
export type AuditEntryRecordedV1 = z.infer<typeof auditEntryRecordedV1.payload>;
