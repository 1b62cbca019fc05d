/** A mail as composed at send time: plain text, no health content. */
export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
}

/** What a mail_outbox row says: the kind of mail and the row it is about; never an address or a token. */
export type MailKind =
  | 'invitation'
  | 'password_reset'
  | 'new_sign_in'
  | 'message_notice'
  | 'outside_access_notice'
  | 'idle_warning';

export interface MailOutboxEntry {
  id: string;
  tenantId: string;
  userId: string;
  kind: MailKind;
  refId: string;
  attempts: number;
}
