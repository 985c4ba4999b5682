// Profiles one contender of the get-participant comparison: runs it under --cpu-prof and prints
// where the CPU time went (self time by function and by package).
//   tsx bench/profile.ts [package|bare|sdk|http] [requests=20000] [concurrency=10] [latencyMs=0]
//   tsx bench/profile.ts [events|old03|events-direct] [callbacks=20000] [concurrency=10]  (section 5a)
import fs from 'node:fs';
import path from 'node:path';
import { FakeProcess, REPO_ROOT, runWorker, type FakeInfo } from './lib/ipc';
import { EVENTS_CONTENDERS, type EventsConfig, type EventsContender, type EventsMeasurement } from './worker-events';
import type { Contender, GetConfig, GetMeasurement } from './worker-get';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
  parent?: number;
}
interface Profile {
  nodes: ProfileNode[];
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

/** Profiles one contender of the callbacks comparison (section 5a): events, old03 or events-direct. */
async function profileEvents(fake: FakeProcess, info: FakeInfo, dir: string, c: EventsContender, n: number, k: number): Promise<void> {
  const file = path.join(dir, `events-${c}-c${k}-${Date.now()}.cpuprofile`);
  const cfg: EventsConfig = { fake: info, signingKey: 'PSK_profile', scenarios: [{ concurrency: k, n }], reps: 1, slices: 1, warmup: 1000, contenders: [c], profile: file };
  const r = await runWorker<EventsMeasurement[]>('worker-events.ts', cfg, fake, { timeoutMs: 10 * 60_000 });
  const m = r[0].result;
  console.log(`${c}: ${m.rate.toFixed(0)} callbacks/s, answer p50 ${m.p50.toFixed(3)} ms, p99 ${m.p99.toFixed(3)} ms, ${m.cpuUs.toFixed(1)} µs CPU/callback`);
  console.log(`profile: ${path.relative(REPO_ROOT, file)}\n`);
  console.log(summariseProfile(file));
}

async function main(): Promise<void> {
  const [c = 'package', n = '20000', k = '10', lat = '0'] = process.argv.slice(2);
  const dir = path.join(REPO_ROOT, '.bench', 'prof');
  fs.mkdirSync(dir, { recursive: true });
  const fake = await FakeProcess.start();
  if ((EVENTS_CONTENDERS as string[]).includes(c)) {
    try {
      await profileEvents(fake, await fake.call<FakeInfo>({ op: 'info' }), dir, c as EventsContender, Number(n), Number(k));
    } finally {
      await fake.stop();
    }
    return;
  }
  try {
    const info = await fake.call<FakeInfo>({ op: 'info' });
    const conf = await fake.call<{ sid: string; callSids: string[] }>({ op: 'conference', participants: 100, sample: 100 });
    const cfg: GetConfig = {
      fake: info,
      conferenceSid: conf.sid,
      callSids: conf.callSids,
      scenarios: [{ latencyMs: Number(lat), concurrency: Number(k), n: Number(n) }],
      reps: 1,
      slices: 1,
      warmup: 1000,
      maxInFlight: 10,
      contenders: [c as Contender],
    };
    const file = path.join(dir, `get-${c}-c${k}-${lat}ms-${Date.now()}.cpuprofile`);
    cfg.profile = file;
    const r = await runWorker<GetMeasurement[]>('worker-get.ts', cfg, fake, { nodeFlags: ['--expose-gc'] });
    const m = r[0].result;
    console.log(`${c}: ${m.rate.toFixed(0)} msgs/s, p50 ${m.p50.toFixed(3)} ms, p99 ${m.p99.toFixed(3)} ms, ${m.cpuUs.toFixed(1)} µs CPU/msg`);
    console.log(`profile: ${path.relative(REPO_ROOT, file)}\n`);
    console.log(summariseProfile(file));
  } finally {
    await fake.stop();
  }
}

if (require.main === module) main().catch((e) => {
  console.error(e);
  process.exit(1);
});
