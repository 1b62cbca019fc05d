// A real OpenID Provider (the `oidc-provider` package, ESM-only, hence its own process and plain
// JavaScript) for tests: started by startOidcProvider() in oidc-provider.ts. Listens on 127.0.0.1 on a
// free port, prints one JSON line `{"issuer": …}` on stdout when ready, and signs ID tokens with keys
// it makes at start (RS256 and ES256).
//
// Configuration (env OIDC_TEST_PROVIDER_CONFIG, JSON):
//   { "clients": [{ "client_id", "client_secret", "redirect_uris", "id_token_signed_response_alg"? }] }
//
// Logging in is driven by HTTP instead of a login page: POST /interaction/:uid/login with a JSON body
// { "sub", "email", "email_verified", "name"? } logs the browser in as that account (kept in memory,
// returned by findAccount) and consents to the requested scopes, then redirects on as the provider
// does after a real login page.
import { createServer } from 'node:http';
import { generateKeyPairSync } from 'node:crypto';
import Provider from 'oidc-provider';

const config = JSON.parse(process.env.OIDC_TEST_PROVIDER_CONFIG ?? '{"clients":[]}');

/** sub → { email, email_verified, name } */
const accounts = new Map();

const privateJwk = (kind, options, kid, alg) => ({
  ...generateKeyPairSync(kind, options).privateKey.export({ format: 'jwk' }),
  kid,
  alg,
  use: 'sig',
});

let provider;
let handle;
const readJson = async (req) => {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
};

async function login(req, res) {
  const account = await readJson(req);
  if (typeof account.sub !== 'string' || typeof account.email !== 'string') {
    res.writeHead(400, { 'content-type': 'text/plain' }).end('sub and email are required');
    return;
  }
  const details = await provider.interactionDetails(req, res);
  accounts.set(account.sub, {
    email: account.email,
    email_verified: account.email_verified === true,
    ...(typeof account.name === 'string' ? { name: account.name } : {}),
  });
  const grant = new provider.Grant({ accountId: account.sub, clientId: details.params.client_id });
  grant.addOIDCScope(String(details.params.scope));
  const grantId = await grant.save();
  await provider.interactionFinished(
    req,
    res,
    {
      // How the user authenticated (RFC 8176), when the test says: it reaches the ID token's `amr`.
      login: {
        accountId: account.sub,
        ...(Array.isArray(account.amr) ? { amr: account.amr } : {}),
        ...(typeof account.acr === 'string' ? { acr: account.acr } : {}),
      },
      consent: { grantId },
    },
    { mergeWithLastSubmission: false },
  );
}

const server = createServer((req, res) => {
  const interaction = /^\/interaction\/([\w-]+)(\/login)?$/.exec(new URL(req.url, 'http://x').pathname);
  if (interaction && req.method === 'POST' && interaction[2]) {
    login(req, res).catch((err) => {
      res.writeHead(500, { 'content-type': 'text/plain' }).end(String(err && err.message));
    });
    return;
  }
  if (interaction && req.method === 'GET') {
    // What a login page would show; the test logs in with the POST above.
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ uid: interaction[1] }));
    return;
  }
  handle ??= provider.callback();
  handle(req, res);
});

server.listen(0, '127.0.0.1', () => {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  provider = new Provider(issuer, {
    clients: config.clients.map((client) => ({
      response_types: ['code'],
      grant_types: ['authorization_code'],
      token_endpoint_auth_method: 'client_secret_basic',
      ...client,
    })),
    jwks: {
      keys: [
        privateJwk('rsa', { modulusLength: 2048 }, 'rsa-1', 'RS256'),
        privateJwk('ec', { namedCurve: 'P-256' }, 'ec-1', 'ES256'),
      ],
    },
    async findAccount(_ctx, sub) {
      const claims = accounts.get(sub);
      if (!claims) return undefined;
      return { accountId: sub, claims: async () => ({ sub, ...claims }) };
    },
    // `amr`, `acr`: how the user authenticated, in the ID token when the login said (see login above).
    claims: { openid: ['sub', 'amr', 'acr'], email: ['email', 'email_verified'], profile: ['name'] },
    acrValues: ['urn:test:loa:1', 'urn:test:loa:2'],
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    cookies: { keys: ['oidc-test-provider-cookie-key'] },
    pkce: { required: () => true },
  });
  process.stdout.write(`${JSON.stringify({ issuer })}\n`);
});

process.on('SIGTERM', () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
