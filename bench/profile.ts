// Profiles one contender of the get-participant comparison: runs it under --cpu-prof and prints
// where the CPU time went (self time by function and by package).
//   tsx bench/profile.ts [package|minimal|bare|sdk|http] [requests=20000] [concurrency=10] [latencyMs=0]
//   tsx bench/profile.ts [events|old03|events-direct|floor] [callbacks=20000] [concurrency=10]  (section 5a)
// Two contenders (`package,minimal`, `events,old03`): both in one process, taking turns in 10
// slices, one profile split by the time each ran; prints CPU µs per message of each, by package
// and by function, and the difference (A/B under the same machine state).
import fs from 'node:fs';
import path from 'node:path';
import { FakeProcess, REPO_ROOT, runWorker, type FakeInfo } from './lib/ipc';
import { EVENTS_CONTENDERS, type EventsConfig, type EventsContender, type EventsMeasurement } from './worker-events';
import type { Contender, GetConfig, GetMeasurement } from './worker-get';
import type { ProfileWindow } from './lib/profiler';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
  parent?: number;
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

function where(url: string): string {
  if (!url) return '(native)';
  const u = url.replace(/^file:\/\//, '');
  const nm = u.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = u.slice(nm + 13).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  if (u.startsWith('node:')) return 'node:internal';
  return path.relative(REPO_ROOT, u);
}

export function summariseProfile(file: string, top = 25): string {
  const p = JSON.parse(fs.readFileSync(file, 'utf8')) as Profile;
  const self = new Map<number, number>();
  for (let i = 0; i < p.samples.length; i++) self.set(p.samples[i], (self.get(p.samples[i]) ?? 0) + (p.timeDeltas[i] ?? 0));
  const byFn = new Map<string, number>();
  const byWhere = new Map<string, number>();
  let total = 0;
  for (const n of p.nodes) {
    const t = self.get(n.id) ?? 0;
    if (!t) continue;
    total += t;
    const w = where(n.callFrame.url);
    const name = `${n.callFrame.functionName || '(anonymous)'}  ${w}:${n.callFrame.lineNumber + 1}`;
    byFn.set(name, (byFn.get(name) ?? 0) + t);
    byWhere.set(w, (byWhere.get(w) ?? 0) + t);
  }
  // Charged to the innermost JavaScript package/file on the stack: node internals and native
  // work count for the package that called them.
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  for (const n of p.nodes) for (const c of n.children ?? []) byId.get(c)!.parent = n.id;
  const charged = new Map<string, number>();
  const inclusive = new Map<string, number>();
  for (const n of p.nodes) {
    const t = self.get(n.id) ?? 0;
    if (!t) continue;
    let owner: string | undefined;
    const seen = new Set<string>();
    for (let cur: ProfileNode | undefined = n; cur; cur = cur.parent === undefined ? undefined : byId.get(cur.parent)) {
      const w = where(cur.callFrame.url);
      if (w === '(native)' || w === 'node:internal') continue;
      owner ??= w;
      seen.add(w);
    }
    const name = owner ?? where(n.callFrame.url);
    charged.set(name, (charged.get(name) ?? 0) + t);
    for (const w of seen) inclusive.set(w, (inclusive.get(w) ?? 0) + t);
  }
  const pct = (t: number) => `${((100 * t) / total).toFixed(1).padStart(5)}%`;
  const lines = [`total sampled ${(total / 1000).toFixed(0)} ms`, '', 'self time by package/file:'];
  for (const [w, t] of [...byWhere].sort((a, b) => b[1] - a[1]).slice(0, top)) lines.push(`${pct(t)}  ${w}`);
  lines.push('', 'time charged to the innermost package/file on the stack (node internals and native work go to their caller):');
  for (const [w, t] of [...charged].sort((a, b) => b[1] - a[1]).slice(0, top)) lines.push(`${pct(t)}  ${w}`);
  lines.push('', 'inclusive time (the package/file is anywhere on the stack):');
  for (const [w, t] of [...inclusive].sort((a, b) => b[1] - a[1]).slice(0, top)) lines.push(`${pct(t)}  ${w}`);
  lines.push('', 'self time by function:');
  for (const [f, t] of [...byFn].sort((a, b) => b[1] - a[1]).slice(0, top)) lines.push(`${pct(t)}  ${f}`);
  return lines.join('\n');
}

const nameOf = (n: ProfileNode) => `${n.callFrame.functionName || '(anonymous)'}  ${where(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`;

/** Self time (µs) of each sample's node, charged to the window (contender) it fell in. */
function splitByWindow(p: Profile, windows: ProfileWindow[]): Map<string, Map<number, number>> {
  const byLabel = new Map<string, Map<number, number>>();
  const sorted = [...windows].sort((a, b) => a.start - b.start);
  let t = p.startTime;
  let w = 0;
  for (let i = 0; i < p.samples.length; i++) {
    const dt = p.timeDeltas[i] ?? 0;
    t += dt;
    while (w < sorted.length && sorted[w].end < t) w++;
    const win = sorted[w];
    if (!win || t < win.start) continue;
    let self = byLabel.get(win.label);
    if (!self) byLabel.set(win.label, (self = new Map()));
    self.set(p.samples[i], (self.get(p.samples[i]) ?? 0) + dt);
  }
  return byLabel;
}

/**
 * Two contenders' CPU per message from one profile: self time of each function (and of each
 * package, node internals and native work charged to their JavaScript caller) divided by the
 * messages the contender handled in its windows. Idle time is left out.
 */
export function compareProfile(file: string, a: string, b: string, top = 40): string {
  const p = JSON.parse(fs.readFileSync(file, 'utf8')) as Profile;
  const windows = JSON.parse(fs.readFileSync(`${file}.windows.json`, 'utf8')) as ProfileWindow[];
  const split = splitByWindow(p, windows);
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  for (const n of p.nodes) for (const c of n.children ?? []) byId.get(c)!.parent = n.id;
  const owner = (n: ProfileNode): string => {
    for (let cur: ProfileNode | undefined = n; cur; cur = cur.parent === undefined ? undefined : byId.get(cur.parent)) {
      const w = where(cur.callFrame.url);
      if (w !== '(native)' && w !== 'node:internal') return w;
    }
    return where(n.callFrame.url);
  };
  const perMsg = (label: string) => {
    const n = windows.filter((x) => x.label === label).reduce((s, x) => s + x.n, 0);
    const fn = new Map<string, number>();
    const pkg = new Map<string, number>();
    const own = new Map<string, number>();
    let total = 0;
    for (const [id, t] of split.get(label) ?? []) {
      const node = byId.get(id)!;
      if (node.callFrame.functionName === '(idle)') continue;
      const name = nameOf(node);
      fn.set(name, (fn.get(name) ?? 0) + t / n);
      const o = owner(node);
      pkg.set(o, (pkg.get(o) ?? 0) + t / n);
      total += t / n;
      // Inclusive time of this package's own functions (dist/ and bench/nodes), each once per stack.
      const seen = new Set<string>();
      for (let cur: ProfileNode | undefined = node; cur; cur = cur.parent === undefined ? undefined : byId.get(cur.parent)) {
        const w = where(cur.callFrame.url);
        if (w.startsWith('dist/') || w.startsWith('bench/nodes/')) seen.add(nameOf(cur));
      }
      for (const f of seen) own.set(f, (own.get(f) ?? 0) + t / n);
    }
    return { n, fn, pkg, own, total };
  };
  const A = perMsg(a);
  const B = perMsg(b);
  const rows = (x: Map<string, number>, y: Map<string, number>, limit: number) => {
    const names = [...new Set([...x.keys(), ...y.keys()])];
    const diff = (k: string) => (x.get(k) ?? 0) - (y.get(k) ?? 0);
    return names
      .sort((m, k) => Math.abs(diff(k)) - Math.abs(diff(m)))
      .slice(0, limit)
      .map((k) => `${(x.get(k) ?? 0).toFixed(1).padStart(8)} ${(y.get(k) ?? 0).toFixed(1).padStart(8)} ${(diff(k) >= 0 ? '+' : '') + diff(k).toFixed(1).padStart(7)}  ${k}`);
  };
  const head = `${a.padStart(8)} ${b.padStart(8)}    A-B  (CPU µs per message)`;
  return [
    `${a}: ${A.n} messages, ${A.total.toFixed(1)} µs CPU each (sampled, idle left out); ${b}: ${B.n} messages, ${B.total.toFixed(1)} µs`,
    '',
    'by package/file (node internals and native work charged to their JavaScript caller), largest differences first:',
    head,
    ...rows(A.pkg, B.pkg, 20),
    '',
    'by function (self time), largest differences first:',
    head,
    ...rows(A.fn, B.fn, top),
    '',
    "the nodes' own functions, inclusive (all they called), largest first:",
    head,
    ...rows(A.own, B.own, top),
  ].join('\n');
}

/** What the worker measured, and the profile: one contender's summary, or two contenders compared. */
function report(file: string, contenders: string[], lines: string[]): void {
  for (const l of lines) console.log(l);
  console.log(`profile: ${path.relative(REPO_ROOT, file)}\n`);
  console.log(contenders.length === 2 ? compareProfile(file, contenders[0], contenders[1]) : summariseProfile(file));
}

/** Profiles contenders of the callbacks comparison (section 5a): events, old03, events-direct or floor. */
async function profileEvents(fake: FakeProcess, info: FakeInfo, dir: string, cs: EventsContender[], n: number, k: number): Promise<void> {
  const file = path.join(dir, `events-${cs.join('-')}-c${k}-${Date.now()}.cpuprofile`);
  const slices = cs.length > 1 ? 10 : 1;
  const cfg: EventsConfig = { fake: info, signingKey: 'PSK_profile', scenarios: [{ concurrency: k, n }], reps: 1, slices, warmup: 1000, contenders: cs, profile: file };
  const r = await runWorker<EventsMeasurement[]>('worker-events.ts', cfg, fake, { timeoutMs: 10 * 60_000 });
  report(
    file,
    cs,
    r.map(({ contender, result: m }) => `${contender}: ${m.rate.toFixed(0)} callbacks/s, answer p50 ${m.p50.toFixed(3)} ms, p99 ${m.p99.toFixed(3)} ms, ${m.cpuUs.toFixed(1)} µs CPU/callback`),
  );
}

async function main(): Promise<void> {
  const [c = 'package', n = '20000', k = '10', lat = '0'] = process.argv.slice(2);
  const cs = c.split(',');
  if (cs.length > 2) throw new Error('one contender, or two to compare');
  const dir = path.join(REPO_ROOT, '.bench', 'prof');
  fs.mkdirSync(dir, { recursive: true });
  const fake = await FakeProcess.start();
  try {
    const info = await fake.call<FakeInfo>({ op: 'info' });
    if (cs.every((x) => (EVENTS_CONTENDERS as string[]).includes(x))) {
      await profileEvents(fake, info, dir, cs as EventsContender[], Number(n), Number(k));
      return;
    }
    const conf = await fake.call<{ sid: string; callSids: string[] }>({ op: 'conference', participants: 100, sample: 100 });
    const file = path.join(dir, `get-${cs.join('-')}-c${k}-${lat}ms-${Date.now()}.cpuprofile`);
    const cfg: GetConfig = {
      fake: info,
      conferenceSid: conf.sid,
      callSids: conf.callSids,
      scenarios: [{ latencyMs: Number(lat), concurrency: Number(k), n: Number(n) }],
      reps: 1,
      slices: cs.length > 1 ? 10 : 1,
      warmup: 1000,
      maxInFlight: 10,
      contenders: cs as Contender[],
      profile: file,
    };
    const r = await runWorker<GetMeasurement[]>('worker-get.ts', cfg, fake, { nodeFlags: ['--expose-gc'] });
    report(
      file,
      cs,
      r.map(({ contender, result: m }) => `${contender}: ${m.rate.toFixed(0)} msgs/s, p50 ${m.p50.toFixed(3)} ms, p99 ${m.p99.toFixed(3)} ms, ${m.cpuUs.toFixed(1)} µs CPU/msg`),
    );
  } finally {
    await fake.stop();
  }
}

if (require.main === module) main().catch((e) => {
  console.error(e);
  process.exit(1);
});
