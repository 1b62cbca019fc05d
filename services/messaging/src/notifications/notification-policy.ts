/** What is known about the recipient of a new message when it is stored. */
export interface RecipientState {
  /** Their choice (no stored choice: notices are on). */
  emailEnabled: boolean;
  /** An active account (a deactivated one gets no mail). */
  active: boolean;
  /** A live stream (an open tab) of theirs has sent a heartbeat recently. */
  streamOpen: boolean;
  /** When they last opened or read this conversation. */
  lastSeenAt: Date | null;
  /** When they were last told about this conversation by e-mail. */
  lastNotifiedAt: Date | null;
}

export interface NotificationRules {
  /** At most one notice per conversation this often. */
  intervalSeconds: number;
  /** Opened or read this recently: they are reading, no notice. */
  readingSeconds: number;
}

export type NotificationDecision =
  | { notify: true }
  | { notify: false; reason: 'opted_out' | 'inactive' | 'reading' | 'throttled' };

/**
 * Whether a new message should be followed by a "new message in your therapy room" e-mail. Decided by
 * messaging, which knows reading and throttling; the mail itself is identity's (it owns addresses).
 */
export function decideNotification(
  state: RecipientState,
  rules: NotificationRules,
  now: Date,
): NotificationDecision {
  if (!state.emailEnabled) return { notify: false, reason: 'opted_out' };
  if (!state.active) return { notify: false, reason: 'inactive' };
  const since = (at: Date | null) => (at ? (now.getTime() - at.getTime()) / 1000 : Infinity);
  if (state.streamOpen || since(state.lastSeenAt) < rules.readingSeconds) {
    return { notify: false, reason: 'reading' };
  }
  if (since(state.lastNotifiedAt) < rules.intervalSeconds) return { notify: false, reason: 'throttled' };
  return { notify: true };
}
