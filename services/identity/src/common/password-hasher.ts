import { availableParallelism } from 'node:os';
import { Injectable } from '@nestjs/common';
import argon2 from 'argon2';
import { ConcurrencyLimit } from './concurrency-limit';

/** OWASP's argon2id baseline: 19 MiB memory, 2 iterations, 1 lane. */
export const ARGON2_OPTIONS = {
  type: argon2.argon2id,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
} as const;

/**
 * Hashes run on libuv's thread pool (4 threads by default). As many at once as there are cores keeps
 * the rate (each hash is CPU-bound) while the event loop competes with fewer busy threads for a core,
 * and the pool keeps threads free for its other work (DNS lookups of new database connections, files):
 * during a login storm the others wait here, in order, instead of all of them on the pool.
 */
const hashing = new ConcurrencyLimit(Math.max(1, availableParallelism()));

@Injectable()
export class PasswordHasher {
  /** Verified when the account does not exist, so unknown users cost the same time as known ones. */
  private readonly dummyHash = argon2.hash('not-a-real-password-but-same-cost', ARGON2_OPTIONS);

  hash(password: string): Promise<string> {
    return hashing.run(() => argon2.hash(password, ARGON2_OPTIONS));
  }

  async verify(hash: string | null | undefined, password: string): Promise<boolean> {
    if (!hash) {
      const dummy = await this.dummyHash;
      await hashing.run(() => argon2.verify(dummy, password)).catch(() => false);
      return false;
    }
    return hashing.run(() => argon2.verify(hash, password)).catch(() => false);
  }

  needsRehash(hash: string): boolean {
    return argon2.needsRehash(hash, ARGON2_OPTIONS);
  }
}
