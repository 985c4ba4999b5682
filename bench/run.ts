// The benchmark (issue 4): this package against a bare axios client (the floor), the official
// SDK in a function node and the core http request node. Starts the fake space on loopback (a
// process of its own), runs every case in child processes, prints one table.
//
//   npm run bench          full run (about 10 minutes on 2 cores), targets pass/fail
//   npm run bench:smoke    tiny sizes, one run each, no targets: sanity checks only (CI)
//
// Options: --smoke, --only=get,list,burst,cold,events,memory,roster, --json=FILE (default .bench/results.json),
// --n20c1=N (requests per run at 20 ms, concurrency 1; default 500), --package=DIR (bench another
// build of the package: a directory with package.json and dist/, e.g. one with a fix applied).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { FakeProcess, REPO_ROOT, runWorker, type FakeInfo } from './lib/ipc';
import { removeSnapshot, snapshotPackage } from './lib/snapshot';
import { fmt, fmtMB, fmtMs, fmtRatio, MB, median, table } from './lib/stats';
import type { BurstConfig, BurstRun } from './worker-burst';
import { CONTENDERS, type Contender, type GetConfig, type GetMeasurement, type GetScenario } from './worker-get';
import { LIST_CONTENDERS, type ListConfig, type ListContender, type ListResult } from './worker-list';
import type { DetailsConfig, DetailsListing } from './worker-call-details';
import type { CoalesceConfig, CoalesceResult } from './worker-coalesce';
import { EVENTS_CONTENDERS, PUBLIC_URL, type EventsConfig, type EventsContender, type EventsMeasurement, type EventsScenario } from './worker-events';
import { MEMORIES, type MemoryConfig, type MemoryName, type MemoryResult } from './worker-memories';
import type { LatencyPhase, RosterLatencyConfig, RosterStormConfig, RosterSweepConfig, StormContender, StormResult, SweepMeasurement } from './worker-roster';

// ------------------------------------------------------------------ plan

const argv = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const a = argv.find((x) => x === `--${name}` || x.startsWith(`--${name}=`));
  if (a === undefined) return undefined;
  const eq = a.indexOf('=');
  return eq < 0 ? '' : a.slice(eq + 1);
};
const SMOKE = flag('smoke') !== undefined;
const ONLY = new Set((flag('only') ?? 'get,list,burst,cold,events,memory,roster').split(',').filter(Boolean));
const JSON_OUT = flag('json') || path.join(REPO_ROOT, '.bench', SMOKE ? 'results-smoke.json' : 'results.json');
const N20C1 = Number(flag('n20c1') ?? 500);
const PACKAGE_DIR = flag('package');
const LATENCY = flag('latency'); // only the get scenarios at this server latency (ms)
// Only these get contenders (e.g. package,minimal for a quick A/B); the minimal node always runs.
const GET_CONTENDERS = flag('contenders') ? [...new Set(['package', 'minimal', ...flag('contenders')!.split(',')])].filter((c): c is Contender => (CONTENDERS as string[]).includes(c)) : undefined;

const MAX_IN_FLIGHT = 10; // the space node's default

const LIST_LATENCY_MS = 0;

/** Section 7, the conference roster (issue 13): its part of the plan (see the section below). */
const ROSTER_PLAN = {
  smoke: {
    latency: { reps: 1, conferences: 20, participants: 25, warmup: 200, warmupRate: 1000, phases: [{ ratePerSec: 100, callbacks: 100 }, { ratePerSec: 1000, callbacks: 500 }] },
    storm: { participants: 200, ratePerSec: 100 },
    sweep: { conferences: 5, participants: 10, latencies: [0], maxInFlight: [MAX_IN_FLIGHT], reps: 1 },
  },
  full: {
    // 20 conferences of 25: a participant's speech event every 500 callbacks (none a repeat).
    latency: { reps: 3, conferences: 20, participants: 25, warmup: 2000, warmupRate: 1000, phases: [{ ratePerSec: 100, callbacks: 1000 }, { ratePerSec: 1000, callbacks: 5000 }] },
    // The issue's storm: 1,000 joins over 10 s.
    storm: { participants: 1000, ratePerSec: 100 },
    sweep: { conferences: 20, participants: 50, latencies: [0, 20], maxInFlight: [1, MAX_IN_FLIGHT], reps: 5 },
  },
};

const PLAN = SMOKE
  ? {
      get: {
        reps: 1,
        slices: 1,
        warmup: 50,
        scenarios: [
          { latencyMs: 0, concurrency: 1, n: 200 },
          { latencyMs: 0, concurrency: MAX_IN_FLIGHT, n: 200 },
          { latencyMs: 20, concurrency: 1, n: 20 },
          { latencyMs: 20, concurrency: MAX_IN_FLIGHT, n: 200 },
        ] as GetScenario[],
      },
      list: { sizes: [250, 2000], reps: 1, live: false, warmups: 1 },
      burst: { messages: 1000, warmup: 50, reps: 1, latencyMs: 5, participants: 20 },
      cold: { reps: 1 },
      events: {
        throughput: { reps: 1, slices: 1, warmup: 50, scenarios: [{ concurrency: 1, n: 100 }, { concurrency: 10, n: 200 }] as EventsScenario[] },
        coalesce: { callbacks: 100, windowMs: 1000, concurrency: 10, paced: [] as number[] },
        details: { participants: 50, reps: 1, latencies: [0], warmups: 1 },
      },
      memory: { total: 30_000, step: 5_000, warmup: 20_000, reps: 1 },
      roster: ROSTER_PLAN.smoke,
    }
  : {
      get: {
        reps: 3,
        slices: 5,
        warmup: 1000,
        scenarios: [
          { latencyMs: 0, concurrency: 1, n: 5000 },
          { latencyMs: 0, concurrency: MAX_IN_FLIGHT, n: 5000 },
          { latencyMs: 20, concurrency: 1, n: N20C1 },
          { latencyMs: 20, concurrency: MAX_IN_FLIGHT, n: 5000 },
        ] as GetScenario[],
      },
      list: { sizes: [250, 10_000, 100_000], reps: 5, live: true, warmups: 20 },
      burst: { messages: 10_000, warmup: 500, reps: 3, latencyMs: 5, participants: 20 },
      cold: { reps: 5 },
      events: {
        // Five rounds: enough to see whether late rounds run as early ones (the replay memory fills at 10,000).
        throughput: { reps: 5, slices: 3, warmup: 500, scenarios: [{ concurrency: 1, n: 2000 }, { concurrency: 10, n: 2000 }] as EventsScenario[] },
        // 1,000 joins as fast as the node answers them, and paced over ten seconds (the issue's storm).
        coalesce: { callbacks: 1000, windowMs: 1000, concurrency: 10, paced: [100] },
        details: { participants: 500, reps: 3, latencies: [0, 20], warmups: 3 },
      },
      // A million distinct identities through each memory, timed per 100,000.
      memory: { total: 1_000_000, step: 100_000, warmup: 200_000, reps: 3 },
      roster: ROSTER_PLAN.full,
    };

// ------------------------------------------------------------------ output helpers

const out: string[] = [];
function print(text = ''): void {
  out.push(text);
  console.log(text);
}
function progress(text: string): void {
  process.stderr.write(`  ${text}\n`);
}

interface Target {
  section: string;
  what: string;
  figure: string;
  pass: boolean;
}
const targets: Target[] = [];
function target(section: string, what: string, figure: string, pass: boolean): void {
  targets.push({ section, what, figure, pass });
}
const mark = (pass: boolean) => (pass ? 'PASS' : 'FAIL');

/** Smoke checks: a case that ran and gave sane values. */
const checks: { what: string; ok: boolean; detail?: string }[] = [];
function check(what: string, ok: boolean, detail?: string): void {
  checks.push({ what, ok, detail });
  if (!ok) progress(`check failed: ${what}${detail ? ` (${detail})` : ''}`);
}
/**
 * Runs one section when --only names it (`key`): its results go into `results` (the JSON file)
 * and its report is printed. A section that fails to run is a failed check, not the end.
 */
async function section<T>(key: string, name: string, run: () => Promise<T>, report: (r: T) => void, results: Record<string, unknown>): Promise<void> {
  if (!ONLY.has(key)) return;
  let r: T;
  try {
    r = await run();
  } catch (err) {
    check(`${name} ran`, false, (err as Error).message.split('\n').slice(0, 12).join('\n'));
    print(`\n${name}: FAILED TO RUN\n${(err as Error).message.split('\n').slice(0, 30).join('\n')}`);
    return;
  }
  results[key] = r;
  report(r);
}

const LABEL: Record<Contender, string> = {
  package: 'this package (get participant node)',
  minimal: 'minimal node: bare axios GET (floor)',
  bare: '(bare axios outside Node-RED)',
  sdk: 'function node + official SDK',
  http: 'core http request node, basic auth',
};
const LIST_LABEL: Record<ListContender, string> = {
  'package-all': 'this package, mode all (1 msg)',
  'package-pages': 'this package, one msg per page',
  'sdk-default': 'SDK list() (default page size)',
  'sdk-1000': 'SDK list({ pageSize: 1000 })',
  'bare-loop': 'bare loop on next_page_uri',
};

function versionOf(pkg: string): string {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require(`${pkg}/package.json`) as { version: string }).version;
  } catch {
    try {
      const file = path.join(REPO_ROOT, 'node_modules', pkg, 'package.json');
      return (JSON.parse(fs.readFileSync(file, 'utf8')) as { version: string }).version;
    } catch {
      return '?';
    }
  }
}

function gitHead(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
  } catch {
    return '?';
  }
}

// ------------------------------------------------------------------ section 1: get participant

async function runGet(fake: FakeProcess, info: FakeInfo): Promise<GetMeasurement[]> {
  const conf = await fake.call<{ sid: string; callSids: string[] }>({ op: 'conference', participants: 100, sample: 100 });
  const cfg: GetConfig = {
    fake: info,
    conferenceSid: conf.sid,
    callSids: conf.callSids,
    scenarios: PLAN.get.scenarios.filter((s) => LATENCY === undefined || s.latencyMs === Number(LATENCY)),
    reps: PLAN.get.reps,
    slices: PLAN.get.slices,
    warmup: PLAN.get.warmup,
    maxInFlight: MAX_IN_FLIGHT,
    contenders: GET_CONTENDERS,
  };
  progress(`1. get participant: ${cfg.scenarios.map((s) => `${s.n}@${s.latencyMs}ms/c${s.concurrency}`).join(', ')}, ${cfg.reps} run(s) each, contenders taking turns in ${cfg.slices} slice(s) per run`);
  return runWorker<GetMeasurement[]>('worker-get.ts', cfg, fake, { nodeFlags: ['--expose-gc'], timeoutMs: 20 * 60_000 });
}

function reportGet(ms: GetMeasurement[]): void {
  print('\n## 1. Get participant: msgs/s and latency (inject to output), medians of the runs\n');
  const rows: string[][] = [];
  const floorLines: string[] = [];
  const key = (s: GetScenario) => `${s.latencyMs}|${s.concurrency}|${s.n}`;
  const scenarios = [...new Map(ms.map((m) => [key(m), { latencyMs: m.latencyMs, concurrency: m.concurrency, n: m.n }])).values()];
  const ran = CONTENDERS.filter((c) => ms.some((m) => m.contender === c));
  for (const s of scenarios) {
    const here = ms.filter((m) => key(m) === key(s));
    const reps = [...new Set(here.map((m) => m.rep))];
    const of = (r: number, c: Contender) => here.find((m) => m.rep === r && m.contender === c)?.result;
    // Ratios within each run (same minute, same machine state), then their median.
    const perRun = (a: Contender, b: Contender) => reps.map((r) => (of(r, a)?.rate ?? NaN) / (of(r, b)?.rate ?? NaN));
    const ratio = (a: Contender, b: Contender) => median(perRun(a, b));
    for (const c of ran) {
      const mine = here.filter((m) => m.contender === c).map((m) => m.result);
      if (!mine.length) continue;
      rows.push([
        `${s.latencyMs} ms`,
        String(s.concurrency),
        fmt(s.n),
        LABEL[c],
        fmt(median(mine.map((r) => r.rate))),
        fmtMs(median(mine.map((r) => r.p50))),
        fmtMs(median(mine.map((r) => r.p99))),
        fmt(median(mine.map((r) => r.cpuUs))),
        c === 'package' ? '' : fmtRatio(ratio('package', c)),
      ]);
    }
    const cpuGap = median(reps.map((r) => (of(r, 'package')?.cpuUs ?? NaN) - (of(r, 'minimal')?.cpuUs ?? NaN)));
    floorLines.push(
      `- ${s.latencyMs} ms, concurrency ${s.concurrency}: **${fmtRatio(ratio('package', 'minimal'))}** of the minimal node ` +
        `(runs: ${perRun('package', 'minimal').map(fmtRatio).join(', ')}); CPU per message ${cpuGap >= 0 ? '+' : ''}${fmt(cpuGap)} µs over it`,
    );
    check(`get ${s.latencyMs} ms c${s.concurrency}: every contender ran without errors`, here.length === ran.length * reps.length && here.every((m) => m.result.errors === 0 && m.result.rate > 0));
    if (!SMOKE) {
      const label = `${s.latencyMs} ms, concurrency ${s.concurrency}`;
      // Issue 15's criterion is judged at 0 ms and concurrency 1, where the node's own cost
      // weighs most; the other scenarios' figures are printed below the table.
      if (s.latencyMs === 0 && s.concurrency === 1) {
        const vsFloor = ratio('package', 'minimal');
        target('1', `throughput >= 0.95x the minimal node (${label})`, fmtRatio(vsFloor, 0.95), vsFloor >= 0.95);
      }
      // At 20 ms every client waits on the server (throughput = concurrency / 20 ms), so no
      // client can be 1.5x another: the SDK and http request targets are judged at 0 ms.
      if (s.latencyMs === 0 && ran.includes('sdk')) {
        const vsSdk = ratio('package', 'sdk');
        target('1', `throughput >= 1.5x SDK function node (${label})`, fmtRatio(vsSdk, 1.5), vsSdk >= 1.5);
      }
      if (s.latencyMs === 0 && ran.includes('http')) {
        const vsHttp = ratio('package', 'http');
        target('1', `throughput >= 1.3x http request node (${label})`, fmtRatio(vsHttp, 1.3), vsHttp >= 1.3);
      }
    }
  }
  print(table(['latency', 'conc.', 'requests', 'contender', 'msgs/s', 'p50 ms', 'p99 ms', 'CPU µs/msg', 'package ÷ it'], rows));
  print('\nGet participant ÷ the minimal node (the floor: a custom node sending the answer of a bare keep-alive axios GET), each run and their median:\n');
  for (const line of floorLines) print(line);
}

// ------------------------------------------------------------------ section 2: listing

interface ListCase {
  n: number;
  contender: ListContender;
  runs: ListResult[];
  live?: ListResult;
}

async function runList(fake: FakeProcess, info: FakeInfo): Promise<ListCase[]> {
  await fake.call({ op: 'latency', ms: LIST_LATENCY_MS });
  const warm = await fake.call<{ sid: string }>({ op: 'conference', participants: 250 });
  const cases: ListCase[] = [];
  for (const n of PLAN.list.sizes) {
    const conf = await fake.call<{ sid: string }>({ op: 'conference', participants: n });
    const mine = LIST_CONTENDERS.map((contender) => ({ n, contender, runs: [] as ListResult[] }) as ListCase);
    cases.push(...mine);
    progress(`2. list ${fmt(n)} participants: ${LIST_CONTENDERS.length} contenders x ${PLAN.list.reps} run(s)${PLAN.list.live ? ' + a live-heap run' : ''}`);
    for (let rep = 0; rep < PLAN.list.reps; rep++) {
      for (let i = 0; i < mine.length; i++) {
        const c = mine[(i + rep) % mine.length];
        const cfg: ListConfig = { fake: info, conferenceSid: conf.sid, participants: n, contender: c.contender, warmupConferenceSid: warm.sid, warmups: PLAN.list.warmups };
        c.runs.push(await runWorker<ListResult>('worker-list.ts', cfg, fake, { nodeFlags: ['--expose-gc'], timeoutMs: 5 * 60_000 }));
      }
    }
    if (PLAN.list.live) {
      for (const c of mine) {
        const cfg: ListConfig = { fake: info, conferenceSid: conf.sid, participants: n, contender: c.contender, warmupConferenceSid: warm.sid, warmups: PLAN.list.warmups, liveGc: true };
        c.live = await runWorker<ListResult>('worker-list.ts', cfg, fake, { nodeFlags: ['--expose-gc'], timeoutMs: 5 * 60_000 });
      }
    }
  }
  return cases;
}

function reportList(cases: ListCase[]): void {
  print(`\n## 2. List every participant: requests, wall time, peak memory (server latency ${LIST_LATENCY_MS} ms; medians; memory above the idle process)\n`);
  const rows: string[][] = [];
  const wall = (c: ListCase | undefined) => (c ? median(c.runs.map((r) => r.ms)) : NaN);
  for (const c of cases) {
    const bare = cases.find((x) => x.n === c.n && x.contender === 'bare-loop');
    const heap = median(c.runs.map((r) => r.memory.peakHeap - r.memory.baseHeap));
    const rss = median(c.runs.map((r) => r.memory.peakRss - r.memory.baseRss));
    const live = c.live ? c.live.memory.peakHeap - c.live.memory.baseHeap : NaN;
    const base = median(c.runs.map((r) => r.memory.baseHeap));
    rows.push([
      fmt(c.n),
      LIST_LABEL[c.contender],
      fmt(median(c.runs.map((r) => r.requests))),
      fmt(median(c.runs.map((r) => r.messages))),
      fmtMs(wall(c)),
      c.contender === 'bare-loop' ? '' : fmtRatio(wall(c) / wall(bare)),
      fmtMB(heap),
      fmtMB(live),
      fmtMB(rss),
      fmtMB(base),
    ]);
    const pageSize = c.contender === 'sdk-default' ? 50 : 1000;
    const wantRequests = Math.max(1, Math.ceil(c.n / pageSize));
    const requests = c.runs.map((r) => r.requests);
    check(`list ${c.n} ${c.contender}: ${wantRequests} requests, every participant once`, c.runs.length > 0 && requests.every((r) => r === wantRequests) && c.runs.every((r) => r.listed === c.n));
    if (!SMOKE && (c.contender === 'package-all' || c.contender === 'package-pages')) {
      target('2', `requests = ceil(n/1000) (${fmt(c.n)}, ${c.contender === 'package-all' ? 'mode all' : 'per page'})`, `${requests.join('/')} of ${wantRequests}`, requests.every((r) => r === wantRequests));
    }
    if (!SMOKE && c.contender === 'package-all') {
      const r = wall(c) / wall(bare);
      target('2', `wall time <= 1.2x bare loop (${fmt(c.n)}, mode all)`, fmtRatio(r, 1.2), r <= 1.2);
    }
  }
  print(
    table(['participants', 'contender', 'requests', 'msgs out', 'wall ms', 'vs bare', 'peak heap MB', 'live heap MB', 'peak RSS MB', 'idle heap MB'], rows),
  );
  print(
    '\npeak heap / RSS: above the idle process (after GC), sampled every 5 ms, garbage not yet collected included. ' +
      'live heap: a separate run with a forced GC wherever the most is held (each message out of the node, each page of the bare loop, ' +
      "the SDK's finished array), the peak of what survived. idle heap: the process before listing (Node-RED, or the SDK, loaded).",
  );
  if (!SMOKE) {
    const pages = cases.filter((c) => c.contender === 'package-pages' && c.live).sort((a, b) => a.n - b.n);
    const all = cases.filter((c) => c.contender === 'package-all' && c.live).sort((a, b) => a.n - b.n);
    if (pages.length >= 2) {
      const liveOf = (c: ListCase) => c.live!.memory.peakHeap - c.live!.memory.baseHeap;
      const first = pages[pages.length - 2];
      const last = pages[pages.length - 1];
      const growth = liveOf(last) - liveOf(first);
      const allGrowth = all.length >= 2 ? liveOf(all[all.length - 1]) - liveOf(all[all.length - 2]) : NaN;
      target(
        '2',
        `one msg per page: live heap flat in n (${fmt(first.n)} -> ${fmt(last.n)}: grows < 5 MB)`,
        `${fmtMB(liveOf(first))} -> ${fmtMB(liveOf(last))} MB (mode all: +${fmtMB(allGrowth)} MB)`,
        growth < 5 * MB,
      );
    }
  }
}

// ------------------------------------------------------------------ section 3: burst

async function runBurst(fake: FakeProcess, info: FakeInfo): Promise<BurstRun[]> {
  const conf = await fake.call<{ sid: string }>({ op: 'conference', participants: PLAN.burst.participants });
  const cfg: BurstConfig = {
    fake: info,
    conferenceSid: conf.sid,
    messages: PLAN.burst.messages,
    warmup: PLAN.burst.warmup,
    reps: PLAN.burst.reps,
    latencyMs: PLAN.burst.latencyMs,
    maxInFlight: MAX_IN_FLIGHT,
  };
  progress(`3. burst: ${fmt(cfg.messages)} messages at once into the list node, ${cfg.reps} run(s), server latency ${cfg.latencyMs} ms`);
  return runWorker<BurstRun[]>('worker-burst.ts', cfg, fake, { nodeFlags: ['--expose-gc'], timeoutMs: 10 * 60_000 });
}

function reportBurst(runs: BurstRun[]): void {
  const b = PLAN.burst;
  print(`\n## 3. Burst: ${fmt(b.messages)} messages at once into the list node (conference of ${b.participants}, server latency ${b.latencyMs} ms, max in flight ${MAX_IN_FLIGHT})\n`);
  const rows = runs.map((r, i) => [
    String(i + 1),
    fmt(r.rate),
    fmt(r.requests),
    String(r.serverMaxInFlight),
    String(r.clientMaxInFlight),
    fmtMB(r.heapBefore),
    fmtMB(r.heapQueued),
    fmtMB(r.heapPeak),
    fmtMB(r.heapAfter),
    `${r.heapAfter >= r.heapBefore ? '+' : ''}${fmtMB(r.heapAfter - r.heapBefore)}`,
  ]);
  rows.push([
    'median',
    fmt(median(runs.map((r) => r.rate))),
    fmt(median(runs.map((r) => r.requests))),
    String(Math.max(...runs.map((r) => r.serverMaxInFlight))),
    String(Math.max(...runs.map((r) => r.clientMaxInFlight))),
    fmtMB(median(runs.map((r) => r.heapBefore))),
    fmtMB(median(runs.map((r) => r.heapQueued))),
    fmtMB(median(runs.map((r) => r.heapPeak))),
    fmtMB(median(runs.map((r) => r.heapAfter))),
    fmtMB(median(runs.map((r) => r.heapAfter - r.heapBefore))),
  ]);
  print(
    table(['run', 'msgs/s', 'requests', 'max in flight (server)', 'max in flight (node)', 'heap before MB', 'queued (after GC)', 'peak (sampled)', 'after (GC) MB', 'growth MB'], rows),
  );
  print('\nmedian row: medians, except max in flight (the most of any run).');
  const warnings = [...new Set(runs.flatMap((r) => r.warnings ?? []))];
  print(warnings.length ? `process warnings (warm-up and bursts; what a Node-RED log would show):\n${warnings.map((w) => `- ${w}`).join('\n')}` : 'process warnings (warm-up and bursts): none');
  const growth = Math.max(...runs.map((r) => r.heapAfter - r.heapBefore));
  const inflight = Math.max(...runs.map((r) => Math.max(r.serverMaxInFlight, r.clientMaxInFlight)));
  check('burst: every message answered, one request each, in flight within the limit', runs.length > 0 && runs.every((r) => r.failed === 0 && r.requests === r.messages) && inflight <= MAX_IN_FLIGHT && Number.isFinite(growth));
  if (!SMOKE) {
    target('3', 'heap after GC within 10 MB of before (worst run)', `${growth >= 0 ? '+' : ''}${fmtMB(growth)} MB`, growth <= 10 * MB);
    target('3', `in flight never above the limit (${MAX_IN_FLIGHT})`, String(inflight), inflight <= MAX_IN_FLIGHT);
  }
}

// ------------------------------------------------------------------ section 4: cold start

interface ColdResult {
  pkg: number[];
  /** The first space's REST client (axios with it), loaded after registering. */
  pkgClient: number[];
  sdk: number[];
  sdkClient: number[];
  types: number;
}

async function runCold(pkgDir: string): Promise<ColdResult> {
  progress(`4. cold start: ${PLAN.cold.reps} fresh process(es) each`);
  const script = path.join(__dirname, 'cold-start.js');
  const once = (what: string) =>
    JSON.parse(execFileSync(process.execPath, [script, what], { env: { ...process.env, BENCH_PKG_DIR: pkgDir }, encoding: 'utf8' })) as { ms: number; clientMs?: number; types?: string[] };
  const res: ColdResult = { pkg: [], pkgClient: [], sdk: [], sdkClient: [], types: 0 };
  for (let i = 0; i < PLAN.cold.reps; i++) {
    const p = once('package');
    // Every node the package declares (package.json node-red.nodes), each registering its type.
    const declared = Object.keys((JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8')) as { 'node-red': { nodes: Record<string, string> } })['node-red'].nodes);
    if (p.types?.length !== declared.length || !declared.every((t) => p.types!.includes(t))) throw new Error(`the package registered ${p.types?.join(', ')}, declares ${declared.join(', ')}`);
    res.types = p.types.length;
    res.pkg.push(p.ms);
    res.pkgClient.push(p.clientMs ?? NaN);
    const s = once('sdk');
    res.sdk.push(s.ms);
    res.sdkClient.push(s.clientMs ?? NaN);
  }
  return res;
}

function reportCold(r: ColdResult): void {
  print(`\n## 4. Cold start (fresh process each, median of ${r.pkg.length})\n`);
  const p = median(r.pkg);
  const s = median(r.sdk);
  print(
    table(
      ['what', 'ms', 'runs (ms)'],
      [
        [`this package: load and register its ${r.types} nodes`, fmtMs(p), r.pkg.map((x) => fmtMs(x)).join(', ')],
        ['(package: then the first space loads the REST client and axios, not compared)', fmtMs(median(r.pkgClient)), r.pkgClient.map((x) => fmtMs(x)).join(', ')],
        ["official SDK: require('@signalwire/compatibility-api')", fmtMs(s), r.sdk.map((x) => fmtMs(x)).join(', ')],
        ['(SDK: then RestClient(...) in On Start, not compared)', fmtMs(median(r.sdkClient)), r.sdkClient.map((x) => fmtMs(x)).join(', ')],
        ['package ÷ SDK', fmtRatio(p / s), ''],
      ],
    ),
  );
  check('cold start: both measured', p > 0 && s > 0 && median(r.pkgClient) > 0);
  if (!SMOKE) target('4', 'cold start <= 0.5x the SDK require', fmtRatio(p / s, 0.5), p / s <= 0.5);
}

// ------------------------------------------------------------------ section 5: conference events (issue 9)

const EVENTS_LABEL: Record<EventsContender, string> = {
  events: 'events node (publicUrl)',
  old03: 'old example 03 front half',
  'events-direct': '(events node, URL of the request)',
  floor: '(floor: bare route, 204, no checks)',
};

interface EventsResults {
  throughput?: EventsMeasurement[];
  coalesce?: CoalesceResult[];
  details?: Array<{ latencyMs: number; listings: DetailsListing[] }>;
}

async function runEvents(fake: FakeProcess, info: FakeInfo): Promise<EventsResults> {
  const plan = PLAN.events;
  const signingKey = `PSK_${randomBytes(16).toString('hex')}`;
  const res: EventsResults = {};
  const t = plan.throughput;
  const cfg: EventsConfig = { fake: info, signingKey, scenarios: t.scenarios, reps: t.reps, slices: t.slices, warmup: t.warmup };
  progress(`5a. callbacks/s: ${t.scenarios.map((s) => `${s.n}@c${s.concurrency}`).join(', ')}, ${t.reps} run(s), ${EVENTS_CONTENDERS.length} contenders taking turns in ${t.slices} slice(s) per run`);
  res.throughput = await runWorker<EventsMeasurement[]>('worker-events.ts', cfg, fake, { timeoutMs: 15 * 60_000 });

  const c = plan.coalesce;
  res.coalesce = [];
  const cases: Array<{ coalesceMs: number; ratePerSec?: number }> = [];
  for (const rate of [undefined, ...c.paced]) for (const coalesceMs of [c.windowMs, 0]) cases.push({ coalesceMs, ratePerSec: rate });
  progress(`5b. ${fmt(c.callbacks)} join callbacks, output 2 into list participants: coalesce ${c.windowMs} ms and 0, ${['as fast as answered', ...c.paced.map((r) => `${r}/s`)].join(' and ')}`);
  for (const k of cases) {
    const cc: CoalesceConfig = { fake: info, signingKey, callbacks: c.callbacks, coalesceMs: k.coalesceMs, concurrency: c.concurrency, ratePerSec: k.ratePerSec };
    res.coalesce.push(await runWorker<CoalesceResult>('worker-coalesce.ts', cc, fake, { timeoutMs: 5 * 60_000 }));
  }

  const d = plan.details;
  res.details = [];
  progress(`5c. call details: ${fmt(d.participants)} participants, listed twice with and without, ${d.reps} run(s), server latency ${d.latencies.join(' and ')} ms`);
  for (const latencyMs of d.latencies) {
    const dc: DetailsConfig = { fake: info, participants: d.participants, latencyMs, reps: d.reps, warmups: d.warmups };
    res.details.push({ latencyMs, listings: await runWorker<DetailsListing[]>('worker-call-details.ts', dc, fake, { timeoutMs: 5 * 60_000 }) });
  }
  return res;
}

const signed = (ms: number) => (Number.isFinite(ms) ? `${ms >= 0 ? '+' : '-'}${fmtMs(Math.abs(ms))}` : '-');

function reportEvents(r: EventsResults): void {
  const plan = PLAN.events;
  // 5a
  print('\n## 5. Conference events (issue 9)\n');
  print(
    `### 5a. Callbacks per second, signature checked: answered and delivered into the flow (medians of the runs)\n\n` +
      `Every contender gets the same signed participant-join callbacks (each distinct), POSTed from the fake space's process over keep-alive HTTP; ` +
      `a callback is done when it is answered 204 and its message reached the sink. Both main rows are set up as behind a tunnel whose public URL ` +
      `(${PUBLIC_URL}) the signatures cover: the node's publicUrl, the old function's SIGNALWIRE_CALLBACK_URL. The third row gets the same callbacks ` +
      `signed over its own URL and reads it from the request. The floor is a bare route on the same HTTP server (express, as http in and the events node) ` +
      `that reads the body, answers 204 and sends the body on: what any receiver in Node-RED pays before its own work.\n`,
  );
  const ms = r.throughput ?? [];
  const rows: string[][] = [];
  const roundRows: string[][] = [];
  for (const s of plan.throughput.scenarios) {
    const here = ms.filter((m) => m.concurrency === s.concurrency && m.n === s.n);
    const reps = [...new Set(here.map((m) => m.rep))];
    const ratio = (a: EventsContender, b: EventsContender) =>
      median(reps.map((rep) => (here.find((m) => m.rep === rep && m.contender === a)?.result.rate ?? NaN) / (here.find((m) => m.rep === rep && m.contender === b)?.result.rate ?? NaN)));
    for (const c of EVENTS_CONTENDERS) {
      const mine = here.filter((m) => m.contender === c).map((m) => m.result);
      if (!mine.length) continue;
      rows.push([
        String(s.concurrency),
        fmt(s.n),
        EVENTS_LABEL[c],
        fmt(median(mine.map((x) => x.rate))),
        fmtMs(median(mine.map((x) => x.p50))),
        fmtMs(median(mine.map((x) => x.p99))),
        fmt(median(mine.map((x) => x.cpuUs))),
        fmt(median(mine.map((x) => x.senderCpuUs))),
        c === 'events' ? '' : fmtRatio(ratio('events', c)),
      ]);
    }
    // Each round (run) on its own, in order: a node that slows down as it works (a memory
    // filling up, garbage piling up) shows as late rounds slower than early ones.
    for (const rep of reps) {
      const of = (c: EventsContender) => here.find((m) => m.rep === rep && m.contender === c)?.result;
      const ev = of('events');
      const old = of('old03');
      roundRows.push([String(s.concurrency), String(rep + 1), fmt(ev?.rate ?? NaN), fmt(old?.rate ?? NaN), fmtRatio((ev?.rate ?? NaN) / (old?.rate ?? NaN)), fmt(ev?.cpuUs ?? NaN), fmt(old?.cpuUs ?? NaN)]);
    }
    const ok = here.length === EVENTS_CONTENDERS.length * reps.length && reps.length > 0 && here.every((m) => m.result.bad === 0 && m.result.delivered === m.result.n && (m.result.answered['204'] ?? 0) === m.result.n);
    check(`events c${s.concurrency}: every callback answered 204 and delivered, by every contender`, ok);
    if (!SMOKE) {
      const v = ratio('events', 'old03');
      target('5', `callbacks/s >= 1.5x old example 03 front half (concurrency ${s.concurrency})`, fmtRatio(v, 1.5), v >= 1.5);
    }
  }
  print(table(['conc.', 'callbacks', 'contender', 'callbacks/s', 'answer p50 ms', 'answer p99 ms', 'CPU µs/callback', 'sender CPU µs', 'events node ÷ it'], rows));
  print('\nanswer ms: at the sender, POST to the end of the answer. CPU µs/callback: the Node-RED process; sender CPU: the sending process (the fake space\'s).');
  print('\nRound by round (each round: every contender in turn, the callbacks of a round new to every node):\n');
  print(table(['conc.', 'round', 'events node callbacks/s', 'old 03 callbacks/s', 'events node ÷ old', 'events node CPU µs', 'old 03 CPU µs'], roundRows));

  // 5b
  const co = r.coalesce ?? [];
  print(`\n### 5b. ${fmt(plan.coalesce.callbacks)} participant-join callbacks of one conference, output 2 wired to list participants (mode all; the conference has ${fmt(plan.coalesce.callbacks)} participants; server latency 0 ms)\n`);
  print(
    table(
      ['coalesce', 'sent', 'callbacks', 'answered 204', 'output 1', 'output 2', 'list requests', 'listings out', 'failed', 'sending s', 'until last listing ms', 'last state delivered'],
      co.map((x) => [
        `${fmt(x.coalesceMs)} ms`,
        x.ratePerSec ? `${x.ratePerSec}/s` : `fast (${plan.coalesce.concurrency} at a time)`,
        fmt(x.callbacks),
        fmt(x.answered204),
        fmt(x.output1),
        fmt(x.output2),
        fmt(x.listRequests),
        fmt(x.listings),
        fmt(x.failed),
        fmt(x.sendSeconds, 2),
        fmt(x.wallMs),
        x.lastStateDelivered ? 'yes' : 'NO',
      ]),
    ),
  );
  print('\nlist requests: GET .../Participants seen by the fake space. last state delivered: the last output-2 message carries the last callback the node accepted.');
  for (const x of co) {
    const label = `coalesce ${x.coalesceMs} ms, ${x.ratePerSec ? `${x.ratePerSec}/s` : 'fast'}`;
    check(
      `events ${label}: every callback answered and on output 1, every output-2 message listed with one request, last state delivered`,
      x.answered204 === x.callbacks && x.output1 === x.callbacks && x.coalescedSum === x.callbacks && x.failed === 0 && x.listings === x.output2 && x.listRequests === x.output2 && x.lastStateDelivered && x.participantsInLastListing === x.callbacks,
      x.firstError,
    );
    if (x.coalesceMs === 0) check(`events ${label}: one list request per callback`, x.listRequests === x.callbacks);
  }
  if (!SMOKE) {
    const fast = co.find((x) => x.coalesceMs > 0 && !x.ratePerSec);
    const fastOff = co.find((x) => x.coalesceMs === 0 && !x.ratePerSec);
    if (fast && fastOff) {
      // A burst that arrives within one window: the first at once, the latest at the window's end.
      const bound = Math.ceil((fast.sendSeconds * 1000) / fast.coalesceMs) + 1;
      target('5', `burst of ${fmt(fast.callbacks)} joins, coalesce ${fast.coalesceMs} ms: list requests <= ceil(send time / window) + 1 (${bound})`, `${fast.listRequests} (off: ${fmt(fastOff.listRequests)})`, fast.listRequests <= bound && fast.lastStateDelivered);
    }
    for (const p of co.filter((x) => x.coalesceMs > 0 && x.ratePerSec)) {
      const bound = Math.ceil((p.sendSeconds * 1000) / p.coalesceMs) + 1;
      const off = co.find((x) => x.coalesceMs === 0 && x.ratePerSec === p.ratePerSec);
      target('5', `${fmt(p.callbacks)} joins at ${p.ratePerSec}/s, coalesce ${p.coalesceMs} ms: about one list request per window (<= ${bound})`, `${p.listRequests} (off: ${fmt(off?.listRequests ?? NaN)})`, p.listRequests <= bound && p.lastStateDelivered);
    }
  }

  // 5c
  print(`\n### 5c. Call details: a conference of ${fmt(plan.details.participants)} listed, then refreshed (list participants, mode all; medians of ${plan.details.reps} run(s), a new conference each)\n`);
  const drows: string[][] = [];
  for (const block of r.details ?? []) {
    const get = (v: 'details' | 'plain', l: 1 | 2) => block.listings.filter((x) => x.variant === v && x.listing === l);
    for (const [v, l] of [['plain', 1], ['details', 1], ['plain', 2], ['details', 2]] as const) {
      const xs = get(v, l);
      const plainMs = median(get('plain', l).map((x) => x.ms));
      drows.push([
        `${block.latencyMs} ms`,
        l === 1 ? 'first listing' : 'refresh',
        v === 'details' ? 'callDetails: true' : 'callDetails: false',
        fmt(median(xs.map((x) => x.listRequests))),
        fmt(median(xs.map((x) => x.callRequests))),
        fmtMs(median(xs.map((x) => x.ms))),
        fmtMs(median(xs.map((x) => x.cpuMs))),
        v === 'details' ? signed(median(xs.map((x) => x.ms)) - plainMs) : '',
        `${fmt(median(xs.map((x) => x.withCall)))} of ${fmt(median(xs.map((x) => x.listed)))}`,
      ]);
      const n = plan.details.participants;
      const wantCalls = v === 'details' && l === 1 ? n : 0;
      check(
        `call details ${block.latencyMs} ms, ${v}, listing ${l}: 1 list request, ${wantCalls} call lookups, every participant ${v === 'details' ? 'with' : 'without'} call`,
        xs.length > 0 && xs.every((x) => x.listRequests === 1 && x.callRequests === wantCalls && x.otherRequests === 0 && x.listed === n && x.withCall === (v === 'details' ? n : 0)),
        JSON.stringify(xs.map((x) => [x.listRequests, x.callRequests, x.otherRequests, x.listed, x.withCall])),
      );
    }
    if (!SMOKE) {
      const calls = get('details', 2).map((x) => x.callRequests);
      target('5', `refresh of ${fmt(plan.details.participants)} with call details after a first listing: 0 call lookups (${block.latencyMs} ms)`, calls.join('/'), calls.every((x) => x === 0));
    }
  }
  print(table(['server latency', 'listing', 'node', 'list requests', 'call lookups', 'wall ms', 'CPU ms', 'details cost ms', 'participants with call'], drows));
  print('\ndetails cost: wall ms with callDetails minus without (medians). Call lookups: GET .../Calls/{CallSid}, at most the space\'s max in flight (10) at once.');
}

// ------------------------------------------------------------------ section 6: bounded memories (issue 15)

async function runMemories(fake: FakeProcess): Promise<MemoryResult[]> {
  const m = PLAN.memory;
  const names = Object.keys(MEMORIES) as MemoryName[];
  progress(`6. bounded memories: ${fmt(m.total)} distinct identities through each of ${names.length}, timed per ${fmt(m.step)}, ${m.reps} run(s), a process each`);
  const results: MemoryResult[] = [];
  for (const memory of names) {
    const cfg: MemoryConfig = { memory, total: m.total, step: m.step, warmup: m.warmup, reps: m.reps };
    results.push(await runWorker<MemoryResult>('worker-memories.ts', cfg, fake, { nodeFlags: ['--expose-gc'], timeoutMs: 10 * 60_000 }));
  }
  return results;
}

function reportMemories(results: MemoryResult[]): void {
  const m = PLAN.memory;
  const steps = Math.ceil(m.total / m.step);
  const label = (i: number) => `${fmt(Math.min(m.total, (i + 1) * m.step) / 1000)}k`;
  const perStep = (runs: number[][]) => Array.from({ length: steps }, (_, i) => median(runs.map((run) => run[i])));
  print(`\n## 6. Bounded memories: CPU ms per ${fmt(m.step)} distinct identities, ${fmt(m.total)} through each (median of ${m.reps} run(s))\n`);
  print(
    'Each memory in a process of its own: a throwaway instance first takes ' +
      `${fmt(m.warmup)} identities (the code is compiled, filling and pushing out included), then a fresh one takes ${fmt(m.total)}, ` +
      `timed every ${fmt(m.step)} in CPU time of the process (user + system; wall time also counts the time other processes hold the cores); ` +
      'the identities are made before the clock starts. Rows marked OLD are copies of the structures these replaced, held to no target.\n',
  );
  const rows: string[][] = [];
  for (const r of results) {
    const memory = MEMORIES[r.memory];
    const ms = perStep(r.runs);
    const wall = perStep(r.wallRuns);
    const flat = ms[ms.length - 1] / ms[0];
    const widest = Math.max(...ms) / Math.min(...ms);
    const full = Math.min(m.total, memory.bound);
    // µs per identity: while it fills up (the first `bound`), and once full (the steps after the first).
    const filling = (median(r.fillMs) * 1000) / full;
    const fullUs = (median(ms.slice(1)) * 1000) / m.step;
    rows.push([memory.label, ...ms.map(fmtMs), fmtRatio(flat), fmtRatio(widest), fmtRatio(wall[wall.length - 1] / wall[0]), fmt(filling, 2), fmt(fullUs, 2), fmt(r.heldAtEnd)]);
    check(`memory ${r.memory}: ${fmt(m.total)} identities timed in ${steps} steps, ${fmt(full)} held at the end`, r.runs.length === m.reps && r.runs.every((run) => run.length === steps && run.every((x) => x >= 0)) && r.heldAtEnd === full);
    if (!SMOKE && !('old' in memory && memory.old)) {
      target('6', `${r.memory}: CPU ms per ${fmt(m.step)} flat within 1.5x from the first to the last`, fmtRatio(flat, 1.5), flat <= 1.5);
    }
  }
  print(table(['memory', ...Array.from({ length: steps }, (_, i) => `to ${label(i)}`), 'last ÷ first', 'max ÷ min', 'wall: last ÷ first', 'µs each filling', 'µs each full', 'held'], rows));
  print(
    `\nto Nk: CPU ms of the ${fmt(m.step)} identities ending at N thousand. wall: the same ratio in wall time. µs each: CPU per identity while the memory fills up to its bound, ` +
      `and once full (median of the steps after the first). held: entries at the end (each memory's bound once full).`,
  );
}

// ------------------------------------------------------------------ section 7: conference roster (issue 13)

interface RosterResults {
  latency?: LatencyPhase[][];
  storm?: StormResult[];
  sweep?: SweepMeasurement[];
}

const STORM_LABEL: Record<StormContender, string> = {
  roster: 'events -> roster (defaults: throttle 100 ms)',
  old03: 'example 03 before: events (coalesce 1000 ms) -> list participants -> rows',
};

async function runRoster(fake: FakeProcess): Promise<RosterResults> {
  const plan = PLAN.roster;
  const signingKey = `PSK_${randomBytes(16).toString('hex')}`;
  const res: RosterResults = { latency: [], storm: [] };
  const l = plan.latency;
  progress(`7a. roster latency: speech callbacks of ${l.conferences} conferences of ${l.participants}, ${l.phases.map((p) => `${fmt(p.callbacks)} at ${p.ratePerSec}/s`).join(', ')}, ${l.reps} run(s)`);
  for (let rep = 0; rep < l.reps; rep++) {
    const cfg: RosterLatencyConfig = { case: 'latency', signingKey, conferences: l.conferences, participants: l.participants, warmup: l.warmup, warmupRate: l.warmupRate, phases: l.phases };
    res.latency!.push(await runWorker<LatencyPhase[]>('worker-roster.ts', cfg, fake, { timeoutMs: 5 * 60_000 }));
  }
  const st = plan.storm;
  progress(`7b. a storm of ${fmt(st.participants)} joins at ${st.ratePerSec}/s: the roster, then example 03 as it was`);
  for (const contender of ['roster', 'old03'] as StormContender[]) {
    const cfg: RosterStormConfig = { case: 'storm', contender, signingKey, participants: st.participants, ratePerSec: st.ratePerSec };
    res.storm!.push(await runWorker<StormResult>('worker-roster.ts', cfg, fake, { timeoutMs: 5 * 60_000 }));
  }
  const sw = plan.sweep;
  progress(`7c. a sweep of ${sw.conferences} conferences of ${sw.participants}: server latency ${sw.latencies.join(' and ')} ms, max in flight ${sw.maxInFlight.join(' and ')}, ${sw.reps} run(s)`);
  const cfg: RosterSweepConfig = { case: 'sweep', ...sw };
  res.sweep = await runWorker<SweepMeasurement[]>('worker-roster.ts', cfg, fake, { timeoutMs: 5 * 60_000 });
  return res;
}

function reportRoster(r: RosterResults): void {
  const plan = PLAN.roster;
  print('\n## 7. Conference roster (issue 13)\n');

  // 7a
  const l = plan.latency;
  print(
    `### 7a. From a callback's arrival to the roster's output (throttle 0), ms; ${l.conferences} conferences of ${l.participants}, speech start and stop callbacks (median of ${l.reps} run(s))\n\n` +
      'Signed callbacks POSTed by the fake space\'s process at a steady rate to the conference events node, wired to the roster (throttle 0, no periodic sweep, call details off: ' +
      'the participants were found by the deploy sweep). Arrival: the request reaches Node-RED\'s HTTP server; out: the roster\'s output-1 message (the rows of that conference) reaches the next node. ' +
      `Each callback changes one participant, so each gives one message. ${fmt(l.warmup)} callbacks at ${l.warmupRate}/s first, not measured.\n`,
  );
  const runs = r.latency ?? [];
  const lrows: string[][] = [];
  for (const [i, p] of l.phases.entries()) {
    const mine = runs.map((run) => run[i]).filter(Boolean);
    lrows.push([
      `${fmt(p.ratePerSec)}/s`,
      fmt(p.callbacks),
      fmt(median(mine.map((x) => x.sendSeconds)), 2),
      fmt(median(mine.map((x) => x.outputs))),
      fmtMs(median(mine.map((x) => x.p50))),
      fmtMs(median(mine.map((x) => x.p99))),
      fmtMs(Math.max(...mine.map((x) => x.max))),
      mine.map((x) => fmtMs(x.p99)).join(', '),
      fmt(median(mine.map((x) => x.cpuUs))),
    ]);
    check(
      `roster latency at ${p.ratePerSec}/s: every callback answered 204 and out once`,
      mine.length === runs.length && mine.length > 0 && mine.every((x) => x.answered204 === p.callbacks && x.outputs === p.callbacks && !x.firstError && Number.isFinite(x.p99)),
      mine.find((x) => x.firstError)?.firstError,
    );
    if (!SMOKE && p.ratePerSec === 100) {
      const p99 = median(mine.map((x) => x.p99));
      target('7', 'callback to roster output, p99 < 20 ms at 100/s (throttle 0)', `${fmtMs(p99)} ms`, p99 < 20);
    }
  }
  print(table(['rate', 'callbacks', 'sent in s', 'outputs', 'p50 ms', 'p99 ms', 'max ms', 'p99 of each run', 'CPU µs/callback'], lrows));
  print('\np50, p99: medians of the runs; max: the worst of all runs. CPU: the Node-RED process (HTTP, signature, events node, roster, both outputs) per callback.');

  // 7b
  const st = plan.storm;
  print(`\n### 7b. A conference-start and ${fmt(st.participants)} joins of one conference at ${st.ratePerSec}/s: API requests, and the last state out\n`);
  print(
    'Each flow in a Node-RED of its own against a fake space of its own, the flow as a user has it (every setting at its default but what is named). ' +
      'The roster\'s deploy sweep runs before the conference starts and is not counted. ' +
      'last out after: ms from the last callback\'s arrival to the last rows message.\n',
  );
  const storms = r.storm ?? [];
  print(
    table(
      ['flow', 'callbacks', 'answered 204', 'sent in s', 'participants lists', 'conference lists (sweeps)', 'conference GETs', 'call lookups', 'rows messages', 'rows in the last', 'last out after ms'],
      storms.map((x) => [
        STORM_LABEL[x.contender],
        fmt(x.callbacks),
        fmt(x.answered204),
        fmt(x.sendSeconds, 2),
        fmt(x.requests.participantLists),
        fmt(x.requests.conferenceLists),
        fmt(x.requests.conferenceGets),
        fmt(x.requests.calls),
        fmt(x.outputs),
        fmt(x.lastRows),
        fmtMs(x.lastOutAfterMs),
      ]),
    ),
  );
  for (const x of storms) {
    check(`roster storm, ${x.contender}: every callback answered 204, the last rows hold everyone, nothing failed`, x.answered204 === x.callbacks && x.lastRows === st.participants && x.failed === 0, x.firstError);
    if (x.contender !== 'roster') continue;
    // Besides the sweeps (a sweep lists this one conference's participants once).
    const extra = x.requests.participantLists - x.requests.conferenceLists;
    check('roster storm: no participants listing besides the sweeps, no lookup', extra <= 0 && x.requests.calls === 0, JSON.stringify(x.requests));
    if (!SMOKE) {
      const old = storms.find((y) => y.contender === 'old03');
      target('7', `storm of ${fmt(st.participants)} joins: 0 list requests besides the sweeps`, `${Math.max(0, extra)} (example 03 before: ${fmt(old?.requests.participantLists ?? NaN)})`, extra <= 0);
      target('7', 'storm: the last state out within the throttle window (100 ms) after the last callback, plus 20 ms delivery', `${fmtMs(x.lastOutAfterMs)} ms`, x.lastOutAfterMs <= 120);
    }
  }

  // 7c
  const sw = plan.sweep;
  print(`\n### 7c. One sweep of ${sw.conferences} conferences of ${sw.participants}: requests and wall time (median of ${sw.reps} run(s) after one not counted)\n`);
  print(
    "The library's sweep() on a Roster (no Node-RED), through a SignalWireClient with the space's settings but *Max in flight*. first: every participant new; again: nothing changed. " +
      'Call lookups are not part of a sweep: with call details on, the first finds ' +
      `${fmt(sw.conferences * sw.participants)} new participants whose calls are looked up in the background (at most max in flight at once), later sweeps none.\n`,
  );
  const sweeps = r.sweep ?? [];
  print(
    table(
      ['server latency', 'max in flight', 'sweep', 'conference lists', 'participants lists', 'conference GETs', 'wall ms', 'runs ms'],
      sweeps.map((x) => [`${x.latencyMs} ms`, String(x.maxInFlight), x.which, fmt(x.requests.conferenceLists), fmt(x.requests.participantLists), fmt(x.requests.conferenceGets), fmtMs(median(x.ms)), x.ms.map(fmtMs).join(', ')]),
    ),
  );
  for (const x of sweeps) {
    check(
      `roster sweep (${x.latencyMs} ms, max in flight ${x.maxInFlight}, ${x.which}): 1 + ${sw.conferences} list requests, no GET`,
      x.requests.conferenceLists === 1 && x.requests.participantLists === sw.conferences && x.requests.conferenceGets === 0 && x.ms.length === sw.reps,
      JSON.stringify(x.requests),
    );
  }
}

// ------------------------------------------------------------------ main

async function main(): Promise<number> {
  const started = performance.now();
  const load0 = os.loadavg();
  const pkgDir = PACKAGE_DIR ? path.resolve(PACKAGE_DIR) : await snapshotPackage();
  process.env.BENCH_PKG_DIR = pkgDir;
  const fake = await FakeProcess.start();
  const results: Record<string, unknown> = {};
  try {
    const info = await fake.call<FakeInfo>({ op: 'info' });
    const cpus = os.cpus();
    print(`# node-red-contrib-signalwire benchmark${SMOKE ? ' (smoke: tiny sizes, one run, no targets)' : ''}\n`);
    print(`date ${new Date().toISOString()}, commit ${gitHead()}, command: npm run ${SMOKE ? 'bench:smoke' : 'bench'}${argv.filter((a) => a !== '--smoke').map((a) => ` ${a}`).join('')}`);
    if (PACKAGE_DIR) print(`package under test: ${path.relative(REPO_ROOT, pkgDir) || '.'} (not this tree's dist/)`);
    print(`machine: ${cpus.length} cores (${cpus[0]?.model ?? '?'}), ${fmt(os.totalmem() / 1024 ** 3, 0)} GiB, ${os.type()} ${os.release()}`);
    print(`Node ${process.version}, node-red ${versionOf('node-red')}, @signalwire/compatibility-api ${versionOf('@signalwire/compatibility-api')}, axios ${versionOf('axios')}`);
    print(`fake space: its own process on ${info.url}; each case: its own process (Node-RED embedded with RED.init/RED.start)`);
    print(`load average at start (1/5/15 min): ${load0.map((x) => x.toFixed(2)).join(' / ')}`);

    await section('get', 'get participant', () => runGet(fake, info), reportGet, results);
    await section('list', 'listing', () => runList(fake, info), reportList, results);
    await section('burst', 'burst', () => runBurst(fake, info), reportBurst, results);
    await section('cold', 'cold start', () => runCold(pkgDir), reportCold, results);
    await section('events', 'conference events', () => runEvents(fake, info), reportEvents, results);
    await section('memory', 'bounded memories', () => runMemories(fake), reportMemories, results);
    await section('roster', 'conference roster', () => runRoster(fake), reportRoster, results);
  } finally {
    await fake.stop();
    if (!PACKAGE_DIR) removeSnapshot(pkgDir);
  }

  const seconds = (performance.now() - started) / 1000;
  const load1 = os.loadavg();
  print(`\nload average at end (1/5/15 min): ${load1.map((x) => x.toFixed(2)).join(' / ')}; bench took ${fmt(seconds, 0)} s`);
  if (!SMOKE && targets.length) {
    print('\n## Targets\n');
    print(table(['section', 'target', 'figure', 'result'], targets.map((t) => [t.section, t.what, t.figure, mark(t.pass)])));
  }
  fs.mkdirSync(path.dirname(JSON_OUT), { recursive: true });
  fs.writeFileSync(JSON_OUT, JSON.stringify({ smoke: SMOKE, plan: PLAN, seconds, load: { start: load0, end: load1 }, results, targets, checks }, null, 2));
  fs.writeFileSync(JSON_OUT.replace(/\.json$/, '.md'), `${out.join('\n')}\n`);

  const failedChecks = checks.filter((c) => !c.ok);
  print('');
  for (const c of failedChecks) print(`check failed: ${c.what}${c.detail ? `\n  ${c.detail.split('\n').join('\n  ')}` : ''}`);
  if (SMOKE) {
    // The closing line CI reads.
    print(`${checks.length - failedChecks.length} passed, ${failedChecks.length} failed`);
    return failedChecks.length ? 1 : 0;
  }
  const missed = targets.filter((t) => !t.pass).length;
  print(`targets: ${targets.length - missed} passed, ${missed} failed${failedChecks.length ? ` (and ${failedChecks.length} case(s) failed to run)` : ''}`);
  return failedChecks.length ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
