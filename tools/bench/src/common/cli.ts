import { parseArgs } from 'node:util';

/**
 * A benchmark's command line: numeric options and flags (each `--name value` / `--name`), `--help`
 * printing the usage. A number that is not an integer within its range prints the usage and exits 2,
 * so a typo never runs a long benchmark with a silently different setting.
 */
export function benchCli<const N extends string, const F extends string>(
  usage: string,
  spec: { numbers: readonly N[]; flags: readonly F[] },
) {
  const options: Record<string, { type: 'string' | 'boolean' }> = { help: { type: 'boolean' } };
  for (const name of spec.numbers) options[name] = { type: 'string' };
  for (const name of spec.flags) options[name] = { type: 'boolean' };
  const { values } = parseArgs({ options });
  if (values.help) {
    process.stdout.write(usage);
    process.exit(0);
  }
  return {
    int(name: N, fallback: number, min: number, max: number): number {
      const given = values[name];
      const n = given === undefined ? fallback : Number(given);
      if (!Number.isInteger(n) || n < min || n > max) {
        process.stderr.write(`invalid --${name} ${String(given)} (${min}..${max})\n${usage}`);
        process.exit(2);
      }
      return n;
    },
    flag(name: F): boolean {
      return values[name] === true;
    },
  };
}
