import { z } from 'zod';

/** Roles that may sign in through the organisation's identity provider: never org admins or staff. */
export const ssoRoles = ['professional', 'client'] as const;
export type SsoRole = (typeof ssoRoles)[number];

/**
 * An org admin's OIDC configuration. The client secret is write-only: required the first time and
 * whenever the issuer changes (so a stored secret can never be sent to another provider), otherwise
 * left out to keep the stored one.
 */
export const ssoConfigSchema = z
  .object({
    issuer: z
      .url({ protocol: /^https?$/, message: 'must be an https:// URL' })
      .max(500)
      .refine((u) => !u.includes('?') && !u.includes('#'), 'must not have a query or a fragment'),
    clientId: z.string().trim().min(1).max(255),
    clientSecret: z.string().min(1).max(1000).optional(),
    allowedRoles: z
      .array(z.enum(ssoRoles))
      .min(1)
      .max(ssoRoles.length)
      .refine((roles) => new Set(roles).size === roles.length, 'must not repeat a role'),
    /** An unknown (verified) e-mail becomes a client account at its first login. Off unless set. */
    autoCreateClients: z.boolean().default(false),
    /**
     * `acr` values of the provider that mean "multi-factor" (for providers that say so with `acr`
     * rather than `amr`): asked for at the provider (`acr_values`) and accepted in the ID token for
     * accounts that need a second factor. Empty: only `amr` counts.
     */
    mfaAcrValues: z
      .array(z.string().trim().min(1).max(200).regex(/^\S+$/, 'must not contain spaces'))
      .max(10)
      .default([]),
    enabled: z.boolean(),
  })
  .strict()
  .refine((c) => !c.autoCreateClients || c.allowedRoles.includes('client'), {
    path: ['autoCreateClients'],
    message: 'needs "client" among allowedRoles',
  });
export type SsoConfigDto = z.infer<typeof ssoConfigSchema>;

/** What GET answers: never the client secret, only whether one is stored. */
export interface SsoConfigView {
  issuer: string;
  clientId: string;
  clientSecretSet: true;
  allowedRoles: SsoRole[];
  autoCreateClients: boolean;
  mfaAcrValues: string[];
  enabled: boolean;
  /** Register this at the identity provider as the client's redirect URI. */
  redirectUri: string;
  updatedAt: string;
}
