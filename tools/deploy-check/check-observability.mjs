// Dashboards and alert rules name metrics the code really exports: every therapy_room_* metric in
// the chart's dashboards and in the rendered PrometheusRule must be declared in the sources
// (Metrics.counter / Metrics.gauge / the HTTP histogram), and every dashboard must parse and query.
//   node tools/deploy-check/check-observability.mjs <rendered manifests>
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('../..', import.meta.url).pathname;
const problems = [];

function sources(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'node_modules' || name === 'test') return [];
    if (statSync(path).isDirectory()) return sources(path);
    return path.endsWith('.ts') && !path.endsWith('.spec.ts') ? [path] : [];
  });
}
const declared = new Set();
for (const file of [...sources(join(root, 'libs')), ...sources(join(root, 'services'))]) {
  const text = readFileSync(file, 'utf8');
  for (const m of text.matchAll(/\b(?:counter|gauge)\(\s*'([a-z_]+)'/g)) declared.add(`therapy_room_${m[1]}`);
  for (const m of text.matchAll(/name: `\$\{METRIC_PREFIX\}([a-z_]+)`/g)) {
    for (const suffix of ['', '_bucket', '_count', '_sum']) declared.add(`therapy_room_${m[1]}${suffix}`);
  }
}
if (declared.size === 0) problems.push('no metric declarations found in libs/ and services/');

function checkNames(where, text) {
  for (const m of text.matchAll(/\btherapy_room_[a-z_]+\b/g)) {
    if (!declared.has(m[0])) problems.push(`${where}: ${m[0]} is not a metric the code exports`);
  }
}

const dashboards = join(root, 'charts/therapy-room/dashboards');
for (const name of readdirSync(dashboards)) {
  const where = `dashboards/${name}`;
  let dashboard;
  try {
    dashboard = JSON.parse(readFileSync(join(dashboards, name), 'utf8'));
  } catch (err) {
    problems.push(`${where}: not JSON (${err.message})`);
    continue;
  }
  if (!dashboard.uid || !dashboard.title || !Array.isArray(dashboard.panels) || dashboard.panels.length === 0)
    problems.push(`${where}: needs uid, title and panels`);
  for (const panel of dashboard.panels ?? []) {
    const exprs = (panel.targets ?? []).map((t) => t.expr).filter(Boolean);
    if (exprs.length === 0) problems.push(`${where}: panel "${panel.title}" queries nothing`);
    for (const expr of exprs) checkNames(`${where} "${panel.title}"`, expr);
  }
}

for (const file of process.argv.slice(2)) {
  const text = readFileSync(file, 'utf8');
  const rules = text.split(/\n---/).filter((doc) => /\nkind: PrometheusRule\n/.test(doc));
  for (const doc of rules) {
    checkNames(`${file} PrometheusRule`, doc);
    for (const m of doc.matchAll(/runbook_url: "([^"]+)"/g)) {
      const [path, anchor] = m[1].replace(/^.*\/docs\/operations\//, 'docs/operations/').split('#');
      let page;
      try {
        page = readFileSync(join(root, path), 'utf8');
      } catch {
        problems.push(`${file}: runbook ${path} does not exist`);
        continue;
      }
      const slugs = [...page.matchAll(/^#+ (.+)$/gm)].map((h) =>
        h[1]
          .trim()
          .toLowerCase()
          .replace(/[^a-z0-9 -]/g, '')
          .replace(/ /g, '-'),
      );
      if (anchor && !slugs.includes(anchor)) problems.push(`${file}: ${path} has no heading #${anchor}`);
    }
  }
}

if (problems.length) {
  for (const p of problems) console.error(`deploy-check: ${p}`);
  process.exit(1);
}
console.log(
  `deploy-check: dashboards and alert rules use only the ${declared.size} metric names the code exports`,
);
