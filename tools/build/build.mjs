// Compiles the services to JavaScript (and builds the browser app into dist/app/web): dist/app mirrors the repository (libs/<lib>/src/*.js,
// services/<service>/src/*.js, tools/dev/src/provision.js) with each package's package.json, the
// runtime files that are not TypeScript (identity's common-password list) and the content seeds.
// Packages' "main" is extensionless ("src/index"), so the same package.json resolves to TypeScript in
// development (@swc-node/register) and to the compiled JavaScript in an image.
//   node tools/build/build.mjs          # build
//   node tools/build/build.mjs --check  # build, then load every service's module from dist/app alone
import { execFileSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  statSync,
} from 'node:fs';
import { dirname, join, relative } from 'node:path';

const root = new URL('../..', import.meta.url).pathname;
const out = join(root, 'dist', 'app');
const check = process.argv.includes('--check');

rmSync(out, { recursive: true, force: true });
execFileSync(
  process.execPath,
  [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json')],
  {
    stdio: 'inherit',
  },
);

function files(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}
const copy = (from) => {
  const to = join(out, relative(root, from));
  mkdirSync(dirname(to), { recursive: true });
  cpSync(from, to);
};

const packages = ['libs', 'services']
  .flatMap((group) => readdirSync(join(root, group)).map((name) => join(group, name)))
  // libs/testing is test code; services/web is the browser app, built by Vite below, not by tsc.
  .filter(
    (dir) =>
      dir !== join('libs', 'testing') &&
      dir !== join('services', 'web') &&
      existsSync(join(root, dir, 'package.json')),
  );
packages.push(join('tools', 'dev'));
for (const dir of packages) {
  copy(join(root, dir, 'package.json'));
  const src = join(root, dir, 'src');
  if (dir.startsWith('tools')) continue;
  for (const file of files(src)) {
    if (!/\.(ts|js|mjs|md)$/.test(file) && !file.includes('__fixtures__')) copy(file);
  }
}
copy(join(root, 'package.json'));
cpSync(join(root, 'seeds'), join(out, 'seeds'), { recursive: true });

// The browser app: static files the gateway serves (WEB_ROOT=/app/web in the image).
execFileSync('npm', ['run', 'build', '-w', 'services/web', '--silent'], { cwd: root, stdio: 'inherit' });
cpSync(join(root, 'services', 'web', 'dist'), join(out, 'web'), { recursive: true });

// Local runs of dist/app resolve @therapy-room/* to the compiled packages (an image gets the same
// links from npm ci); every other dependency comes from the repository's node_modules.
for (const dir of packages) {
  const name = JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8')).name;
  const link = join(out, 'node_modules', name);
  mkdirSync(dirname(link), { recursive: true });
  symlinkSync(relative(dirname(link), join(out, dir)), link);
}
console.log(`build: ${packages.length} packages compiled into ${relative(root, out)}`);

if (check) {
  const services = readdirSync(join(out, 'services'));
  for (const service of services) {
    // A plain node, no TypeScript hook: every import of the service must resolve to compiled files.
    execFileSync(process.execPath, ['-e', `require('./services/${service}/src/app.module.js')`], {
      cwd: out,
      stdio: 'inherit',
    });
  }
  console.log(`build: ${services.join(', ')} load from compiled JavaScript alone`);
}
