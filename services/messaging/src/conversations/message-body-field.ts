/** Where a body is sealed: binds the ciphertext to its message (a copy elsewhere does not open). */
export const bodyField = (messageId: string) => `message.body:${messageId}`;

export const iso = (d: Date | null): string | null => (d ? new Date(d).toISOString() : null);
