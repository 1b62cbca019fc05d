// Load of the benchmarks. Closed loops (gateway, login): C workers, each sending its next request
// when the previous one is answered; latencies of the requests started within the measured seconds,
// and the CPU a given process used meanwhile (/proc). Open loops (messaging): calls started on a
// fixed schedule, whatever the answers.
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { progress } from './lifecycle';

export interface LoadResult {
  name: string;
  perSecond: number;
  p50: number;
  p95: number;
  p99: number;
  ok: number;
  /** Answers that were not 2xx, by status (0: a network error). */
  other: Map<number, number>;
  /** CPU ms per 2xx of the watched processes, by name. */
  cpuMsPerOk: Record<string, number>;
  /** The measured seconds in CLOCK_MONOTONIC microseconds (a CPU profile's clock on Linux). */
  window: { from: number; to: number };
}

export interface LoadOptions {
  concurrency: number;
  warmupSeconds: number;
  seconds: number;
}

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export const monotonicUs = () => Number(process.hrtime.bigint() / 1000n);

/**
 * CPU seconds (user + system) a process has used so far, from /proc (Linux); NaN elsewhere. With
 * `reaped`, also that of its children that have exited and been waited for (a postmaster's backends).
 */
export function cpuSeconds(pid: number | undefined, options: { reaped?: boolean } = {}): number {
  if (!pid) return NaN;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    const own = Number(fields[11]) + Number(fields[12]);
    return (options.reaped ? own + Number(fields[13]) + Number(fields[14]) : own) / 100;
  } catch {
    return NaN;
  }
}

/**
 * C workers in a closed loop for warm-up + S seconds; only requests started within the measured
 * seconds count. `call` answers the status of one request; `watch` names the processes whose CPU is
 * divided by the successful requests.
 */
export async function closedLoop(
  name: string,
  opts: LoadOptions,
  call: (i: number) => Promise<number>,
  watch: Record<string, number | undefined> = {},
  /** Called when the measured seconds start (after the warm-up). */
  onMeasure?: () => Promise<unknown>,
): Promise<LoadResult> {
  const latencies: number[] = [];
  const other = new Map<number, number>();
  let measuring = false;
  let stop = false;
  let n = 0;
  const worker = async () => {
    while (!stop) {
      const i = n++;
      const counted = measuring;
      const t0 = performance.now();
      const status = await call(i).catch(() => 0);
      const ms = performance.now() - t0;
      if (!counted || stop) continue;
      if (status >= 200 && status < 300) latencies.push(ms);
      else other.set(status, (other.get(status) ?? 0) + 1);
    }
  };
  progress(`${name}: ${opts.warmupSeconds} s warm-up, ${opts.seconds} s measured`);
  const workers = Array.from({ length: opts.concurrency }, worker);
  await new Promise((r) => setTimeout(r, opts.warmupSeconds * 1000));
  await onMeasure?.();
  const cpuBefore = Object.fromEntries(Object.entries(watch).map(([k, pid]) => [k, cpuSeconds(pid)]));
  const from = monotonicUs();
  measuring = true;
  await new Promise((r) => setTimeout(r, opts.seconds * 1000));
  measuring = false;
  const to = monotonicUs();
  const cpuMsPerOk = Object.fromEntries(
    Object.entries(watch).map(([k, pid]) => [
      k,
      ((cpuSeconds(pid) - cpuBefore[k]) * 1000) / Math.max(1, latencies.length),
    ]),
  );
  stop = true;
  await Promise.all(workers);
  const sorted = latencies.sort((a, b) => a - b);
  return {
    name,
    perSecond: sorted.length / opts.seconds,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    ok: sorted.length,
    other,
    cpuMsPerOk,
    window: { from, to },
  };
}

/**
 * Open-loop (paced) load: call i is started at its scheduled time t0 + i / rate, for `seconds`,
 * whether or not earlier calls have been answered, so a slow answer delays no later start and a
 * latency measured from `scheduledAt` includes the queueing a closed loop would hide (coordinated
 * omission). Resolves when every call has settled: how many were started, how many failed, and how
 * late each start was against its schedule (the load generator's own lag: above a few ms the
 * generator, not the system under test, is behind); `offeredSeconds` is the time until the last start.
 */
export async function openLoop(
  rate: number,
  seconds: number,
  call: (i: number, scheduledAt: number) => Promise<void>,
): Promise<{ count: number; failed: number; offeredSeconds: number; startLag: number[] }> {
  const count = Math.max(1, Math.round(rate * seconds));
  const interval = 1000 / rate;
  const startLag: number[] = [];
  // Each call's outcome is taken at once (a rejection left pending until the end would be unhandled).
  const calls: Promise<boolean>[] = [];
  const t0 = performance.now();
  for (let i = 0; i < count; ) {
    const now = performance.now();
    for (; i < count && t0 + i * interval <= now; i++) {
      startLag.push(now - (t0 + i * interval));
      calls.push(
        call(i, t0 + i * interval).then(
          () => true,
          () => false,
        ),
      );
    }
    if (i < count)
      await new Promise((r) => setTimeout(r, Math.max(0, t0 + i * interval - performance.now())));
  }
  const offeredSeconds = (performance.now() - t0) / 1000;
  const outcomes = await Promise.all(calls);
  return {
    count,
    failed: outcomes.filter((ok) => !ok).length,
    offeredSeconds,
    startLag: startLag.sort((a, b) => a - b),
  };
}

const agent = new Agent({ keepAlive: true, maxSockets: 1000 });

/** One keep-alive HTTP request; resolves with the status once the body is read. */
export function httpCall(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string; localAddress?: string } = {},
): Promise<number> {
  return new Promise((resolve, reject) => {
    const { method = 'GET', headers, localAddress } = options;
    const req = request(url, { method, headers, agent, localAddress }, (res) => {
      res.resume();
      res.once('end', () => resolve(res.statusCode ?? 0));
      res.once('error', reject);
    });
    req.once('error', reject);
    req.end(options.body);
  });
}

/** A process's event-loop lag p99 since the last scrape of its metrics (prom-client resets it on each). */
export async function eventLoopLagP99Ms(metricsUrl: string): Promise<number> {
  const text = await (await fetch(metricsUrl)).text();
  const line = text.split('\n').find((l) => /^(\w+_)?nodejs_eventloop_lag_p99_seconds[ {]/.test(l));
  return line ? Number(line.trim().split(/\s+/).at(-1)) * 1000 : NaN;
}

const fmt = (n: number | undefined, d = 1) => (n === undefined || Number.isNaN(n) ? '–' : n.toFixed(d));
export { fmt };

/** The table of load results, CPU per request of each watched process in its own column. */
export function loadTable(results: LoadResult[]): string[] {
  const processes = [...new Set(results.flatMap((r) => Object.keys(r.cpuMsPerOk)))];
  const others = (r: LoadResult) => [...r.other].map(([s, n]) => `${n}×${s || 'error'}`).join(', ') || '–';
  return [
    `| variant | per second | p50 ms | p95 ms | p99 ms | ${processes.map((p) => `CPU ms/req ${p}`).join(' | ')}${processes.length ? ' | ' : ''}not 2xx |`,
    `| --- | ---: | ---: | ---: | ---: | ${processes.map(() => '---: | ').join('')}--- |`,
    ...results.map(
      (r) =>
        `| ${r.name} | ${fmt(r.perSecond, 0)} | ${fmt(r.p50)} | ${fmt(r.p95)} | ${fmt(r.p99)} | ${processes.map((p) => `${fmt(r.cpuMsPerOk[p], 2)} | `).join('')}${others(r)} |`,
    ),
  ];
}
