import { existsSync, lstatSync, readdirSync, realpathSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline/promises';

/** What `npm start` writes under its data directory: nothing else there is deleted. */
const ours = (name: string) => /^(dev|postgres-[a-z]+|exports-[a-z]+|mailpit-[a-z]+\.db.*)$/.test(name);

/**
 * `npm start -- --fresh`: deletes the local stack's databases, keys, exports and mails, after asking
 * on the terminal (or not, with --yes). Returns false when the person says no.
 */
export async function wipeLocalData(
  dataRoot: string,
  options: { yes: boolean; ask?: (question: string) => Promise<string> },
): Promise<boolean> {
  const entries = existsSync(dataRoot) ? readdirSync(dataRoot).filter(ours) : [];
  if (entries.length === 0) return true;
  if (!options.yes) {
    const ask = options.ask ?? askOnTerminal;
    const answer = await ask(
      `--fresh deletes the local databases, keys and mails in ${dataRoot} (${entries.join(', ')}). Continue? [y/N] `,
    );
    if (!/^y(es)?$/i.test(answer.trim())) return false;
  }
  for (const entry of entries) {
    // A cluster kept where the postgres system user can reach it (tools/postgres/src/reachable.ts).
    const cluster = join(dataRoot, entry, 'data');
    if (lstatSync(cluster, { throwIfNoEntry: false })?.isSymbolicLink() && existsSync(cluster))
      rmSync(realpathSync(cluster), { recursive: true, force: true });
    rmSync(join(dataRoot, entry), { recursive: true, force: true });
  }
  return true;
}

async function askOnTerminal(question: string): Promise<string> {
  if (!process.stdin.isTTY)
    throw new Error('--fresh asks before it deletes: run it in a terminal, or add --yes');
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return await rl.question(question);
  } finally {
    rl.close();
  }
}
