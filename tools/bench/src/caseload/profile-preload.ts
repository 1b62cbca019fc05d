/**
 * Preloaded into the measured service by `bench:caseload --profile` (NODE_OPTIONS=--require …): the
 * first SIGUSR2 starts V8's CPU profiler, the next one stops it and writes the profile (the format of
 * `node --cpu-prof`, which NODE_OPTIONS does not allow) to BENCH_CPU_PROFILE. Nothing else changes.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';

const target = process.env.BENCH_CPU_PROFILE;
if (target) {
  const session = new Session();
  session.connect();
  let running = false;
  process.on('SIGUSR2', () => {
    running = !running;
    if (running) {
      session.post('Profiler.enable', () =>
        session.post('Profiler.setSamplingInterval', { interval: 1000 }, () =>
          session.post('Profiler.start'),
        ),
      );
    } else {
      session.post('Profiler.stop', (err, result) => {
        if (err) process.stderr.write(`CPU profile failed: ${err.message}\n`);
        else writeFileSync(target, JSON.stringify(result.profile));
      });
    }
  });
}
