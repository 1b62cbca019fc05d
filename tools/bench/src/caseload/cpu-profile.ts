/**
 * Summarises a V8 CPU profile (`node --cpu-prof`) of the service by owner (an npm package, a file of
 * this repository, Node's core, V8's garbage collector), counting only samples inside a window given in
 * CLOCK_MONOTONIC microseconds (what V8's profile timestamps and process.hrtime use on Linux).
 *
 * - self: time spent in the owner's own code (native and built-in frames, e.g. JSON.stringify, count
 *   for the nearest JavaScript caller);
 * - inclusive: time with the owner anywhere on the stack (what calling it costs, callees included).
 */
import { existsSync, readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  /** Milliseconds of samples in the window (idle excluded), and whether the window matched. */
  busyMs: number;
  idleMs: number;
  windowed: boolean;
  owners: { owner: string; selfMs: number; inclusiveMs: number }[];
  topFunctions: { name: string; owner: string; selfMs: number }[];
}

const SPECIAL: Record<string, string> = {
  '(garbage collector)': 'V8: garbage collector',
  '(idle)': '(idle)',
  '(program)': 'V8: (program)',
  '(root)': '(root)',
};

function frameOwner(frame: ProfileNode['callFrame']): string | undefined {
  const url = frame.url;
  if (!url) return SPECIAL[frame.functionName];
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1];
  if (url.startsWith('node:')) return 'Node.js core';
  const repo = /\/((?:libs|services|tools)\/[^/]+)\/(?:.*\/)?([^/]+)$/.exec(url);
  if (repo) return `${repo[1]}: ${repo[2]}`;
  return url;
}

export function summariseProfile(file: string, windowUs?: { from: number; to: number }): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

  // A native frame (no url) belongs to its nearest JavaScript caller.
  const ownerCache = new Map<number, string>();
  const ownerOf = (id: number): string => {
    const cached = ownerCache.get(id);
    if (cached) return cached;
    const node = byId.get(id)!;
    const own = frameOwner(node.callFrame);
    const p = parent.get(id);
    const owner = own ?? (p !== undefined ? ownerOf(p) : 'V8/native');
    ownerCache.set(id, owner);
    return owner;
  };
  const stackOwners = new Map<number, Set<string>>();
  const ownersOnStack = (id: number): Set<string> => {
    const cached = stackOwners.get(id);
    if (cached) return cached;
    const p = parent.get(id);
    const set = new Set(p !== undefined ? ownersOnStack(p) : []);
    set.add(ownerOf(id));
    stackOwners.set(id, set);
    return set;
  };

  const tally = (from: number, to: number) => {
    const self = new Map<number, number>();
    let t = profile.startTime;
    let total = 0;
    profile.samples.forEach((id, i) => {
      const dt = profile.timeDeltas[i] ?? 0;
      t += dt;
      if (t < from || t > to) return;
      self.set(id, (self.get(id) ?? 0) + dt);
      total += dt;
    });
    return { self, total };
  };
  let windowed = Boolean(windowUs);
  let { self, total } = windowUs ? tally(windowUs.from, windowUs.to) : tally(-Infinity, Infinity);
  if (windowUs && total === 0) {
    windowed = false;
    ({ self, total } = tally(-Infinity, Infinity));
  }

  const selfBy = new Map<string, number>();
  const inclusiveBy = new Map<string, number>();
  const functions = new Map<string, { name: string; owner: string; selfMs: number }>();
  let idle = 0;
  for (const [id, us] of self) {
    const node = byId.get(id)!;
    const owner = ownerOf(id);
    if (owner === '(idle)') {
      idle += us;
      continue;
    }
    selfBy.set(owner, (selfBy.get(owner) ?? 0) + us);
    for (const o of ownersOnStack(id)) if (o !== '(root)') inclusiveBy.set(o, (inclusiveBy.get(o) ?? 0) + us);
    const fileName = node.callFrame.url.split('/').slice(-1)[0];
    const name = `${node.callFrame.functionName || '(anonymous)'}${fileName ? ` (${fileName}:${node.callFrame.lineNumber + 1})` : ''}`;
    const f = functions.get(name) ?? { name, owner, selfMs: 0 };
    f.selfMs += us / 1000;
    functions.set(name, f);
  }
  return {
    busyMs: (total - idle) / 1000,
    idleMs: idle / 1000,
    windowed,
    owners: [...inclusiveBy.keys()]
      .map((owner) => ({
        owner,
        selfMs: (selfBy.get(owner) ?? 0) / 1000,
        inclusiveMs: (inclusiveBy.get(owner) ?? 0) / 1000,
      }))
      .sort((a, b) => b.inclusiveMs - a.inclusiveMs),
    topFunctions: [...functions.values()].sort((a, b) => b.selfMs - a.selfMs).slice(0, 15),
  };
}

/** A profile summary as markdown: the owners, then the functions with the most self time. */
export function profileMarkdown(title: string, summary: ProfileSummary, owners = 15, functions = 25): string {
  return [
    `${title} (${summary.busyMs.toFixed(0)} ms busy, ${summary.idleMs.toFixed(0)} ms idle)`,
    '',
    '| owner | self ms | inclusive ms |',
    '| --- | ---: | ---: |',
    ...summary.owners
      .slice(0, owners)
      .map((o) => `| ${o.owner} | ${o.selfMs.toFixed(0)} | ${o.inclusiveMs.toFixed(0)} |`),
    '',
    '| function | owner | self ms |',
    '| --- | --- | ---: |',
    ...summary.topFunctions
      .slice(0, functions)
      .map((f) => `| ${f.name} | ${f.owner} | ${f.selfMs.toFixed(0)} |`),
    '',
  ].join('\n');
}

/** Waits for the profile a service writes when its profiler is stopped (caseload/profile-preload.ts). */
export async function profileWritten(file: string, timeoutMs = 60_000): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (!existsSync(file) && Date.now() < until) await new Promise((r) => setTimeout(r, 200));
  return existsSync(file);
}
