// Shared by run.ts (the install check) and scorecard.ts (the Flow Library scorecard): building,
// packing, child processes and the `ok - ` / `not ok - ` report with its closing
// `N passed, N failed` line.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '..', '..');
export const PACKAGE_JSON = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  files?: string[];
  'node-red': { version?: string; nodes: Record<string, string> };
};
export const MODULE = PACKAGE_JSON.name;
export const NODE_TYPES = Object.keys(PACKAGE_JSON['node-red'].nodes);

export class Report {
  passed = 0;
  failed = 0;
  readonly failures: string[] = [];

  check(ok: boolean, name: string, detail?: string): boolean {
    if (ok) {
      this.passed++;
      console.log(`ok - ${name}`);
    } else {
      this.failed++;
      this.failures.push(name);
      console.log(`not ok - ${name}${detail ? `\n    ${detail.replace(/\n/g, '\n    ')}` : ''}`);
    }
    return ok;
  }

  /** Runs fn; a throw counts as one failed check named `name`. */
  async guard(name: string, fn: () => Promise<void>): Promise<void> {
    try {
      await fn();
    } catch (err) {
      this.check(false, name, err instanceof Error ? (err.stack ?? err.message) : String(err));
    }
  }

  /** Prints the closing line and sets the exit code. */
  finish(): void {
    console.log(`${this.passed} passed, ${this.failed} failed`);
    process.exitCode = this.failed === 0 ? 0 : 1;
  }
}

/**
 * The environment for child processes: without what `npm run` and tsx put there for this
 * process (npm_config_local_prefix would point a nested `npm install` at the repo; tsx's
 * loader has no business in Node-RED).
 */
export function childEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    // Left as undefined (not just left out): spawn drops those, also where a caller merges
    // this over process.env as startNodeRed does.
    const drop = /^npm_(package|lifecycle)_/i.test(k) || /^npm_config_(local_)?prefix$/i.test(k) || k === 'NODE_OPTIONS';
    env[k] = drop ? undefined : v;
  }
  return { ...env, npm_config_update_notifier: 'false', ...extra };
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** stdout and stderr interleaved as they arrived. */
  all: string;
}

/** Runs a command without a shell; rejects on a non-zero exit with its output. */
export function run(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number; allowFail?: boolean } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd ?? ROOT, env: opts.env ?? childEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let all = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
      all += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
      all += c.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 180_000);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      const result = { code, stdout, stderr, all };
      if ((code === 0 || opts.allowFail) && !signal) resolve(result);
      else reject(new Error(`${cmd} ${args.join(' ')} exited with ${signal ?? code}\n${all}`));
    });
  });
}

export function seconds(since: number): string {
  return `${((Date.now() - since) / 1000).toFixed(1)} s`;
}

export async function build(): Promise<void> {
  await run('npm', ['run', 'build'], { timeoutMs: 180_000 });
}

export interface Packed {
  tarball: string;
  files: string[];
}

/**
 * `npm pack` of the package in cwd (the repo by default) into dir; returns the tarball's path
 * and its file list (as npm reports it). The prepack script builds first. Throws when stdout is
 * not JSON alone.
 */
export async function pack(dir: string, cwd = ROOT): Promise<Packed> {
  const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', dir, '--loglevel=error'], { cwd, timeoutMs: 180_000 });
  let json: Array<{ filename: string; files: Array<{ path: string }> }>;
  try {
    // All of stdout: tools that read `npm pack --json` take it whole (the prepack build is quiet).
    json = JSON.parse(stdout) as typeof json;
  } catch (err) {
    throw new Error(`npm pack --json printed more than JSON (${(err as Error).message}); its stdout begins: ${JSON.stringify(stdout.slice(0, 200))}`);
  }
  const [info] = json;
  return { tarball: path.join(dir, path.basename(info.filename)), files: info.files.map((f) => f.path).sort() };
}

/** The files in a tarball as `tar -tzf` lists them, without npm's leading "package/". */
export async function tarList(tarball: string): Promise<string[]> {
  const { stdout } = await run('tar', ['-tzf', tarball], { timeoutMs: 60_000 });
  return stdout
    .split('\n')
    .filter((l) => l !== '' && !l.endsWith('/'))
    .map((l) => l.replace(/^package\//, ''))
    .sort();
}

/**
 * A copy of the working tree as a fresh clone plus the uncommitted work would have it: the files
 * git tracks and the untracked ones it does not ignore, so no dist/, no node_modules/ and no
 * .ci/tmp/. node_modules is a symlink to the tree's, enough to build without an install.
 * Returns the number of files copied.
 */
export async function cleanCopy(dest: string): Promise<number> {
  const { stdout } = await run('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { timeoutMs: 60_000 });
  let copied = 0;
  for (const file of new Set(stdout.split('\0').filter(Boolean))) {
    // A node_modules that is a symlink is not matched by .gitignore's "node_modules/".
    if (file.split('/')[0] === 'node_modules') continue;
    const src = path.join(ROOT, file);
    let stat: fs.Stats;
    try {
      stat = fs.lstatSync(src);
    } catch {
      continue; // tracked, but deleted in the working tree
    }
    if (stat.isDirectory()) continue; // a submodule
    const dst = path.join(dest, file);
    fs.mkdirSync(path.dirname(dst), { recursive: true });
    fs.cpSync(src, dst, { verbatimSymlinks: true });
    copied++;
  }
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dest, 'node_modules'), 'dir');
  return copied;
}

function listFiles(dir: string, base = dir): string[] {
  if (!fs.existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listFiles(full, base));
    else out.push(path.relative(base, full).split(path.sep).join('/'));
  }
  return out;
}

/** examples/**\/*.json in the tree, relative to examples/, without ".json". */
export function treeExamples(): string[] {
  return listFiles(path.join(ROOT, 'examples'))
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.replace(/\.json$/, ''))
    .sort();
}

/** examples/**\/*.json in a tarball's file list, relative to examples/, without ".json". */
export function packedExamples(files: string[]): string[] {
  return files
    .filter((f) => f.startsWith('examples/') && f.endsWith('.json'))
    .map((f) => f.slice('examples/'.length).replace(/\.json$/, ''))
    .sort();
}

/**
 * Checks the tarball's file list: what Node-RED needs from it is there, and nothing from the
 * development tree (sources, tests, simulator, scripts, node_modules) came along.
 */
export function checkFileList(report: Report, files: string[]): void {
  const has = new Set(files);
  const missing = (wanted: string[]) => wanted.filter((f) => !has.has(f));
  const expect = (name: string, wanted: string[]) => {
    const m = missing(wanted);
    report.check(m.length === 0, name, m.length ? `missing: ${m.join(', ')}` : undefined);
  };

  expect('tarball has package.json, README.md and LICENSE', ['package.json', 'README.md', 'LICENSE']);
  expect(
    'tarball has each node\'s .js and .html (package.json node-red.nodes)',
    Object.values(PACKAGE_JSON['node-red'].nodes).flatMap((js) => [js.replace(/^\.\//, ''), js.replace(/^\.\//, '').replace(/\.js$/, '.html')]),
  );
  // Every locale and icon file of the tree, where Node-RED looks for them: beside the nodes.
  const locales = listFiles(path.join(ROOT, 'locales')).map((f) => `dist/nodes/locales/${f}`);
  const icons = listFiles(path.join(ROOT, 'icons')).map((f) => `dist/nodes/icons/${f}`);
  expect(
    'tarball has dist/nodes/locales/en-US and de for every node type',
    [...new Set([...locales, ...NODE_TYPES.flatMap((t) => [`dist/nodes/locales/en-US/${t}.json`, `dist/nodes/locales/de/${t}.json`])])],
  );
  expect('tarball has dist/nodes/icons (signalwire.svg)', [...new Set([...icons, 'dist/nodes/icons/signalwire.svg'])]);
  // The editor script every node HTML loads from resources/<module>/ (Node-RED serves the module's resources/).
  expect('tarball has resources/ (the shared editor script)', listFiles(path.join(ROOT, 'resources')).map((f) => `resources/${f}`));
  // The compiled helpers the nodes require.
  const libs = listFiles(path.join(ROOT, 'nodes', 'lib'))
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    .map((f) => `dist/nodes/lib/${f.replace(/\.ts$/, '.js')}`);
  expect('tarball has the compiled helpers dist/nodes/lib/*.js', libs);

  const tree = treeExamples();
  const packed = packedExamples(files);
  report.check(
    JSON.stringify(tree) === JSON.stringify(packed),
    `tarball has every examples/*.json of the tree (${packed.length}: ${packed.join(', ') || 'none'})`,
    `tree: ${tree.join(', ') || 'none'}; tarball: ${packed.join(', ') || 'none'}`,
  );
  if (tree.length === 0) console.log('# warning: examples/ has no flows yet');

  const allowed = /^(package\.json|README\.md|LICENSE(\.md|\.txt)?|CHANGELOG\.md|dist\/nodes\/.+|resources\/.+\.js|examples\/.+\.json)$/;
  const forbidden = files.filter(
    (f) =>
      !allowed.test(f) ||
      /(^|\/)(node_modules|test|tests|test-e2e|simulator|scripts|bench|\.ci)\//.test(f) ||
      (f.endsWith('.ts') && !f.endsWith('.d.ts')) ||
      f.endsWith('.map') ||
      f.endsWith('.tgz'),
  );
  report.check(
    forbidden.length === 0,
    'tarball has nothing else (no test/, simulator/, node_modules/, scripts/, .ts sources, source maps)',
    forbidden.length ? `unexpected: ${forbidden.join(', ')}` : undefined,
  );
}
