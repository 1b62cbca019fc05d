/** E-mail addresses compare case-insensitively; stored and looked up in this form. */
export const normaliseEmail = (email: string): string => email.trim().toLowerCase();
