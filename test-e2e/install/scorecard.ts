// The Flow Library scorecard offline: `node-red-dev validate` (devDependency, 0.1.6) run on the
// package as it is published — built, `npm pack`ed, unpacked into a temp dir, which is what the
// Flow Library validates (`node-red-dev validate --npm <name>` unpacks the registry tarball) —
// with offline-catalogue.js preloaded so the Flow Library catalogue, unreachable here, is
// answered with an empty one. The npm registry lookups (P06, P07, D02, D03) go out as usual.
//
//   tsx test-e2e/install/scorecard.ts           the packed package (default)
//   tsx test-e2e/install/scorecard.ts --tree    the working tree as it is (`-p .`, after a build)
//
// Prints node-red-dev's full output, then `ok - ` / `not ok - ` per scorecard check, every
// warning, and `N passed, N failed` (scorecard checks). Exits non-zero if a check failed or
// did not run; warnings of passing checks are allowed.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, Report, build, childEnv, pack, run, seconds } from './lib';

const CHECKS: Record<string, string> = {
  P01: 'declares a license',
  P03: 'has a repository or bugs URL',
  P04: 'uses a scoped or node-red-contrib- name',
  P05: 'has "node-red" in keywords',
  P06: 'node-red.version is compatible with a current Node-RED',
  P07: 'engines.node is compatible with the current Node-RED',
  P08: 'no similarly named package in the Flow Library (offline: empty catalogue)',
  N01: 'node types unique in the Flow Library (offline: empty catalogue)',
  N02: 'examples/ has a flow for every (non-config) node',
  D01: 'at most 6 dependencies',
  D02: 'no known-incompatible package in the dependency tree',
  D03: 'production dependencies at their latest versions',
};

async function main(): Promise<void> {
  const t0 = Date.now();
  const report = new Report();
  const tree = process.argv.includes('--tree');
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'nr-scorecard-'));
  try {
    await build();
    let dir = ROOT;
    if (!tree) {
      const { tarball } = await pack(work);
      dir = path.join(work, 'package');
      fs.mkdirSync(dir);
      await run('tar', ['-xzf', tarball, '-C', dir, '--strip-components=1']);
      console.log(`# validating ${path.basename(tarball)} unpacked in ${dir}`);
    } else {
      console.log(`# validating the working tree ${ROOT}`);
    }
    const out = path.join(work, 'scorecard.json');
    const cli = path.join(ROOT, 'node_modules', 'node-red-dev', 'bin', 'run');
    const preload = path.join(__dirname, 'offline-catalogue.js');
    const tv = Date.now();
    const res = await run(process.execPath, ['-r', preload, cli, 'validate', '-p', dir, '-o', out], { cwd: dir, allowFail: true, timeoutMs: 240_000, env: childEnv() });
    // node-red-dev writes its checks to stdout and its warnings (` ›   Warning: ...`) to stderr:
    // shown interleaved as they arrived.
    const output = res.all;
    console.log(`# node-red-dev validate (exit ${res.code}, ${seconds(tv)}):`);
    console.log(output.trimEnd().replace(/^/gm, '  | '));

    const scorecard: Record<string, { test?: boolean } & Record<string, unknown>> = fs.existsSync(out) ? JSON.parse(fs.readFileSync(out, 'utf8')) : {};
    const warnings = output
      .split('\n')
      .map((l) => /Warning:\s*(.*)$/.exec(l)?.[1]?.trim())
      .filter((w): w is string => !!w);
    const answered = (output.match(/\[offline-catalogue\] answered/g) ?? []).length;

    for (const [id, what] of Object.entries(CHECKS)) {
      const entry = scorecard[id];
      let ok = entry?.test === true;
      let detail = entry ? `scorecard: ${JSON.stringify(entry)}` : 'not in the scorecard: validation stopped before it';
      // node-red-dev 0.1.6 records P05 as passed even when it warns that the keyword is missing.
      const p05 = id === 'P05' ? warnings.find((w) => w.startsWith('P05')) : undefined;
      if (p05) {
        ok = false;
        detail += ` but node-red-dev warned: ${p05}`;
      }
      const extra = entry ? Object.entries(entry).filter(([k]) => k !== 'test').map(([k, v]) => `${k}: ${JSON.stringify(v)}`).join(', ') : '';
      report.check(ok, `${id} ${what}${extra ? ` (${extra})` : ''}`, detail);
    }
    if (res.code !== 0 || !/^Complete$/m.test(res.stdout)) console.log(`# node-red-dev did not complete (exit ${res.code})`);
    if (answered === 0) console.log('# the offline catalogue was never asked for: node-red-dev may fetch it differently now');
    console.log(`# ${warnings.length} warning(s)${warnings.length ? ':' : ''}`);
    for (const w of warnings) console.log(`#   ${w}`);
    console.log(`# total ${seconds(t0)}`);
  } catch (err) {
    report.check(false, 'scorecard run', err instanceof Error ? (err.stack ?? err.message) : String(err));
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
    report.finish();
  }
}

void main();
