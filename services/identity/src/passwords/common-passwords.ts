import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Shipped with the service; see common-passwords.SOURCE.md for its origin and licence. */
export const COMMON_PASSWORDS_FILE = join(__dirname, 'common-passwords.txt');

let loaded: ReadonlySet<string> | undefined;

/**
 * The shipped list of common passwords (lower-case, one per line), read once on first use and kept
 * for the life of the process. Throws if the file is missing: a policy without its list must not
 * quietly accept everything.
 */
export function commonPasswords(): ReadonlySet<string> {
  loaded ??= new Set(
    readFileSync(COMMON_PASSWORDS_FILE, 'utf8')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line.length > 0),
  );
  return loaded;
}
