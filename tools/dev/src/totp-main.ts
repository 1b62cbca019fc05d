// `npm run totp -- SECRET`: prints the current TOTP code for a base32 secret (what an authenticator
// app would show), for logging in to the local stack with curl. Same as `oathtool --totp -b SECRET`.
import { totpCode } from './totp';

const secret = process.argv[2];
if (!secret) {
  process.stderr.write('Usage: npm run totp -- <base32 secret>\n');
  process.exit(2);
}
try {
  process.stdout.write(`${totpCode(secret)}\n`);
} catch (err) {
  process.stderr.write(`${(err as Error).message}\n`);
  process.exit(2);
}
