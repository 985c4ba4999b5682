// Section 7 (issue 13): the conference roster, against a fake space of its own
// (bench/lib/roster-space.ts) so its sweeps see only this section's conferences. One case per
// process:
//   - latency: signed callbacks POSTed (paced) to the conference events node, wired to the
//     roster (throttle 0): from a callback's arrival at Node-RED's HTTP server to the roster's
//     output-1 message reaching the next node;
//   - storm: a conference-start and 1,000 joins of one conference, paced over 10 s, into the
//     roster, or into today's example 03 as it stood before the roster (events node, coalesce
//     1000 ms, output 2 into list participants, its function node "rows"): the API requests each
//     makes, and when its last state is out after the last callback;
//   - sweep: the roster's sweep on its own (no Node-RED: the library's sweep() on a Roster), for
//     conferences of participants: requests and wall time, the first sweep (everyone new) and the
//     next (nothing changed).
import type { IncomingMessage } from 'node:http';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type * as ClientModule from '../nodes/lib/client/client';
import type * as StateModule from '../nodes/lib/roster/state';
import type * as SweepModule from '../nodes/lib/roster/sweep';
import type { PostResult } from './lib/callbacks';
import { fake, workerConfig, workerMain, type FakeInfo } from './lib/ipc';
import { at, benchHooks, packageDir, startNodeRed, type FlowNode, type Msg } from './lib/nodered';
import type { RosterCommand, RosterCounts } from './lib/roster-space';
import { percentile } from './lib/stats';

export interface RosterLatencyConfig {
  case: 'latency';
  signingKey: string;
  conferences: number;
  participants: number;
  /** Callbacks before the measured phases (not measured), at `warmupRate` per second. */
  warmup: number;
  warmupRate: number;
  phases: Array<{ ratePerSec: number; callbacks: number }>;
}

export interface RosterStormConfig {
  case: 'storm';
  contender: StormContender;
  signingKey: string;
  participants: number;
  ratePerSec: number;
}

export interface RosterSweepConfig {
  case: 'sweep';
  conferences: number;
  participants: number;
  latencies: number[];
  maxInFlight: number[];
  reps: number;
}

export type RosterBenchConfig = RosterLatencyConfig | RosterStormConfig | RosterSweepConfig;

export interface LatencyPhase {
  ratePerSec: number;
  callbacks: number;
  answered204: number;
  /** Output-1 messages, each matched to the callback of its conference that arrived first of those not yet out. */
  outputs: number;
  /** ms from arrival to output: median, 99th percentile, worst. */
  p50: number;
  p99: number;
  max: number;
  /** Seconds the sender took to POST them (the pace held). */
  sendSeconds: number;
  /** CPU of the Node-RED process per callback (user + system), µs: less sensitive than latency to other load on the machine. */
  cpuUs: number;
  firstError?: string;
}

export type StormContender = 'roster' | 'old03';

export interface StormResult {
  contender: StormContender;
  callbacks: number;
  answered204: number;
  sendSeconds: number;
  requests: RosterCounts;
  /** Messages with the rows (the roster's output 1, the old flow's function node). */
  outputs: number;
  /** Rows in the last of them. */
  lastRows: number;
  /** ms from the last callback's arrival to the last rows message. */
  lastOutAfterMs: number;
  failed: number;
  firstError?: string;
}

export interface SweepMeasurement {
  latencyMs: number;
  maxInFlight: number;
  which: 'first' | 'again';
  /** Wall ms of each rep. */
  ms: number[];
  requests: RosterCounts;
}

/** The public URL the callbacks are signed over (the events node's publicUrl, as behind a tunnel). */
const PUBLIC_URL = 'https://hooks.example.com/signalwire/conference-roster';
const PATH = '/signalwire/conference-roster';

// The function node "rows" of example 03 as it stood before the roster (git show
// 9d2da43:"examples/03 - Live dashboard from conference status callbacks.json"), verbatim.
const OLD_ROWS = `// Participants as rows a person reads; a conference that ended (404) empties the table.
if (msg.error) {
    if (msg.statusCode === 404) {
        msg.payload = [];
        return msg;
    }
    node.warn(msg.error.message);
    return null;
}
flow.set("signalwireConference", msg.conferenceSid);
const at = (date) => (date ? new Date(date).toLocaleTimeString() : "");
msg.payload = msg.payload.map((p) => ({
    caller: p.call ? p.call.callerName || p.call.from : "(unknown)",
    state: [p.muted ? "muted" : "", p.hold ? "on hold" : ""].filter(Boolean).join(", ") || "live",
    joined: at(p.date_created),
    callSid: p.call_sid
}));
return msg;`;

/** A command for the section's own space (bench/lib/roster-space.ts), through the parent. */
const roster = <T = unknown>(command: RosterCommand): Promise<T> => fake<T>({ op: 'roster', ...command });

/** The flow of a case: the events node on PATH, then the roster or the old example 03's back half. */
function flows(info: FakeInfo, signingKey: string, contender: StormContender, rosterSettings: Record<string, unknown>): { flows: FlowNode[]; credentials: Record<string, Record<string, string>> } {
  const tab = 't1';
  const nodes: FlowNode[] = [
    { id: tab, type: 'tab', label: 'bench' },
    { id: 'space', type: 'signalwire-space', name: 'roster space', space: info.url },
    at(tab, { id: 'src', type: 'bench-source', wires: [[]] }),
    at(tab, { id: 'catch', type: 'catch', scope: null, uncaught: false, wires: [['failed']] }),
    at(tab, { id: 'failed', type: 'bench-sink', failed: true, wires: [] }),
  ];
  const events = { id: 'events', type: 'signalwire-conference-events', space: 'space', url: PATH, publicUrl: PUBLIC_URL, verify: true, events: [], coalesce: 1000 };
  if (contender === 'roster') {
    nodes.push(
      at(tab, { ...events, wires: [['roster'], []] }),
      at(tab, { id: 'roster', type: 'signalwire-conference-roster', space: 'space', ...rosterSettings, wires: [['rows'], ['list']] }),
      at(tab, { id: 'rows', type: 'bench-sink', wires: [] }),
      at(tab, { id: 'list', type: 'bench-sink', wires: [] }),
    );
  } else {
    nodes.push(
      at(tab, { ...events, wires: [[], ['refresh']] }),
      at(tab, {
        id: 'refresh', type: 'signalwire-list-participants', space: 'space', conferenceSid: 'conferenceSid', conferenceSidType: 'msg', muted: 'any', hold: 'any',
        mode: 'all', pageSize: '', page: '', pageToken: '', maxPages: 200, maxItems: 10000, callDetails: true, wires: [['old-rows']],
      }),
      at(tab, { id: 'old-rows', type: 'function', name: 'rows', func: OLD_ROWS, outputs: 1, timeout: 0, noerr: 0, initialize: '', finalize: '', libs: [], wires: [['rows']] }),
      at(tab, { id: 'refresh-failed', type: 'catch', scope: ['refresh'], uncaught: false, wires: [['old-rows']] }),
      at(tab, { id: 'rows', type: 'bench-sink', wires: [] }),
    );
  }
  return { flows: nodes, credentials: { space: { projectId: info.projectId, apiToken: info.apiToken, signingKey } } };
}

/** Resolves once `check` holds, polling; rejects after `ms`. */
async function waitFor(what: string, check: () => boolean, ms: number): Promise<void> {
  const deadline = performance.now() + ms;
  while (!check()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Records when each callback (by its X-Bench-Index) reaches Node-RED's HTTP server. */
function arrivals(server: { prependListener(event: 'request', fn: (req: IncomingMessage) => void): unknown }, n: number): Float64Array {
  const at = new Float64Array(n).fill(NaN);
  server.prependListener('request', (req) => {
    const index = req.headers['x-bench-index'];
    if (typeof index === 'string') at[Number(index)] = performance.now();
  });
  return at;
}

async function latency(cfg: RosterLatencyConfig): Promise<LatencyPhase[]> {
  const info = await roster<FakeInfo>({ action: 'start' });
  const total = cfg.warmup + cfg.phases.reduce((a, p) => a + p.callbacks, 0);
  const prep = await roster<{ batch: number; conferenceSids: string[] }>({
    action: 'prepare', kind: 'speech', conferences: cfg.conferences, participants: cfg.participants, callbacks: total, signingKey: cfg.signingKey, signedUrls: [PUBLIC_URL],
  });
  const { flows: nodes, credentials } = flows(info, cfg.signingKey, 'roster', { reconcile: 0, callDetails: false, throttle: 0 });
  const nr = await startNodeRed({ flows: nodes, credentials, listen: true });
  const arrived = arrivals(nr.server, total);
  // The deploy sweep found every conference with all its participants.
  let live: Array<{ participants: number }> = [];
  benchHooks().onSink = (id, msg: Msg) => {
    if (id === 'list') live = msg.payload as typeof live;
  };
  await waitFor('the deploy sweep', () => live.length === cfg.conferences && live.every((c) => c.participants === cfg.participants), 60_000);
  await new Promise((r) => setTimeout(r, 300));

  const target = `${nr.url}${PATH}`;
  const run = async (from: number, count: number, ratePerSec: number): Promise<LatencyPhase> => {
    const pending = new Map<string, number[]>();
    for (let i = from; i < from + count; i++) {
      const sid = prep.conferenceSids[i % cfg.conferences];
      if (!pending.has(sid)) pending.set(sid, []);
      pending.get(sid)!.push(i);
    }
    const took: number[] = [];
    let outputs = 0;
    let firstError: string | undefined;
    benchHooks().onSink = (id, msg: Msg, failed) => {
      if (failed) firstError ??= String((msg.error as { message?: string })?.message ?? 'error');
      if (id !== 'rows') return;
      const now = performance.now();
      outputs++;
      // The callback of that conference that arrived first of those not yet out: the roster
      // takes them in the order they arrive, which at 1,000/s over several connections is not
      // always the order they were sent.
      const queue = pending.get(msg.conferenceSid as string) ?? [];
      let first = -1;
      for (let k = 0; k < queue.length; k++) if (Number.isFinite(arrived[queue[k]]) && (first < 0 || arrived[queue[k]] < arrived[queue[first]])) first = k;
      if (first < 0) firstError ??= `an output not matched to a callback that arrived (${String(msg.conferenceSid)})`;
      else took.push(now - arrived[queue.splice(first, 1)[0]]);
    };
    const cpu0 = process.cpuUsage();
    const posted = await fake<PostResult>({ op: 'post-callbacks', batch: prep.batch, from, count, target, signedUrl: PUBLIC_URL, concurrency: 1, ratePerSec, indexHeader: true });
    await waitFor('every output', () => outputs >= count, 30_000).catch((err: Error) => (firstError ??= err.message));
    const cpu = process.cpuUsage(cpu0);
    benchHooks().onSink = null;
    const sorted = Float64Array.from(took).sort();
    return {
      ratePerSec,
      callbacks: count,
      answered204: posted.statuses['204'] ?? 0,
      outputs,
      p50: percentile(sorted, 50),
      p99: percentile(sorted, 99),
      max: sorted[sorted.length - 1] ?? NaN,
      sendSeconds: posted.seconds,
      cpuUs: (cpu.user + cpu.system) / count,
      firstError: firstError ?? posted.firstError,
    };
  };

  await run(0, cfg.warmup, cfg.warmupRate);
  const out: LatencyPhase[] = [];
  let from = cfg.warmup;
  for (const p of cfg.phases) {
    out.push(await run(from, p.callbacks, p.ratePerSec));
    from += p.callbacks;
  }
  await fake({ op: 'drop-callbacks', batch: prep.batch });
  await nr.stop();
  await roster({ action: 'stop' });
  return out;
}

async function storm(cfg: RosterStormConfig): Promise<StormResult> {
  const info = await roster<FakeInfo>({ action: 'start' });
  // The roster as a flow has it: every setting at its default.
  const { flows: nodes, credentials } = flows(info, cfg.signingKey, cfg.contender, {});
  const nr = await startNodeRed({ flows: nodes, credentials, listen: true });
  if (cfg.contender === 'roster') {
    // Its deploy sweep (no conference yet) is over before the conference starts.
    const deadline = performance.now() + 30_000;
    while ((await roster<RosterCounts>({ action: 'counts' })).conferenceLists < 1 && performance.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 300));
  }
  const prep = await roster<{ batch: number; conferenceSids: string[] }>({
    action: 'prepare', kind: 'storm', conferences: 1, participants: cfg.participants, signingKey: cfg.signingKey, signedUrls: [PUBLIC_URL],
  });
  const callbacks = cfg.participants + 1;
  const arrived = arrivals(nr.server, callbacks);
  let outputs = 0;
  let failed = 0;
  let firstError: string | undefined;
  let lastOutAt = 0;
  let lastRows = 0;
  benchHooks().onSink = (id, msg: Msg, isFailure) => {
    if (isFailure) {
      failed++;
      firstError ??= String((msg.error as { message?: string })?.message ?? 'error');
      return;
    }
    if (id !== 'rows') return;
    outputs++;
    lastOutAt = performance.now();
    lastRows = Array.isArray(msg.payload) ? msg.payload.length : -1;
  };
  await roster({ action: 'reset' });
  const posted = await fake<PostResult>({ op: 'post-callbacks', batch: prep.batch, from: 0, count: callbacks, target: `${nr.url}${PATH}`, signedUrl: PUBLIC_URL, concurrency: 1, ratePerSec: cfg.ratePerSec, indexHeader: true });
  // Settled: nothing out for 2 s (the old flow's window is 1 s, then its listing).
  const deadline = performance.now() + 120_000;
  while (performance.now() - Math.max(lastOutAt, Math.max(...arrived.filter(Number.isFinite))) < 2000 && performance.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  benchHooks().onSink = null;
  const requests = await roster<RosterCounts>({ action: 'counts' });
  const lastArrival = Math.max(...arrived.filter(Number.isFinite));
  await fake({ op: 'drop-callbacks', batch: prep.batch });
  await nr.stop();
  await roster({ action: 'stop' });
  return {
    contender: cfg.contender,
    callbacks,
    answered204: posted.statuses['204'] ?? 0,
    sendSeconds: posted.seconds,
    requests,
    outputs,
    lastRows,
    lastOutAfterMs: lastOutAt - lastArrival,
    failed,
    firstError: firstError ?? posted.firstError,
  };
}

/* eslint-disable @typescript-eslint/no-require-imports */
function lib<T>(file: string): T {
  return require(path.join(packageDir(), 'dist', 'nodes', 'lib', file)) as T;
}
/* eslint-enable @typescript-eslint/no-require-imports */

async function sweeps(cfg: RosterSweepConfig): Promise<SweepMeasurement[]> {
  const { Roster } = lib<typeof StateModule>('roster/state.js');
  const { sweep } = lib<typeof SweepModule>('roster/sweep.js');
  const { SignalWireClient } = lib<typeof ClientModule>('client/client.js');
  const info = await roster<FakeInfo>({ action: 'start' });
  await roster({ action: 'prepare', kind: 'sweep', conferences: cfg.conferences, participants: cfg.participants, signingKey: '', signedUrls: [] });
  const quiet: StateModule.RosterListener = { rows() {}, overview() {}, ended() {}, sweep() {}, details() {}, refused() {} };
  const out: SweepMeasurement[] = [];
  for (const latencyMs of cfg.latencies) {
    await roster({ action: 'latency', ms: latencyMs });
    for (const maxInFlight of cfg.maxInFlight) {
      const first: SweepMeasurement = { latencyMs, maxInFlight, which: 'first', ms: [], requests: undefined as never };
      const again: SweepMeasurement = { latencyMs, maxInFlight, which: 'again', ms: [], requests: undefined as never };
      for (let rep = 0; rep < cfg.reps + 1; rep++) {
        const client = new SignalWireClient({
          endpoint: { origin: info.url, apiRoot: '/api/laml/2010-04-01' },
          projectId: info.projectId,
          apiToken: info.apiToken,
          timeoutMs: 10_000,
          retries: 0,
          maxInFlight,
          maxQueued: 1000,
        });
        const state = new Roster(quiet);
        for (const m of [first, again]) {
          await roster({ action: 'reset' });
          const t0 = performance.now();
          const found = await sweep(client, state, new AbortController().signal);
          const ms = performance.now() - t0;
          if (found.conferences !== cfg.conferences || state.participantCount !== cfg.conferences * cfg.participants) {
            throw new Error(`the sweep found ${found.conferences} conferences and ${state.participantCount} participants`);
          }
          // The first rep warms the code and the connections up: not counted.
          if (rep > 0) m.ms.push(ms);
          m.requests = await roster<RosterCounts>({ action: 'counts' });
        }
        client.close();
      }
      out.push(first, again);
    }
  }
  await roster({ action: 'stop' });
  return out;
}

async function main(): Promise<LatencyPhase[] | StormResult | SweepMeasurement[]> {
  const cfg = workerConfig<RosterBenchConfig>();
  if (cfg.case === 'latency') return latency(cfg);
  if (cfg.case === 'storm') return storm(cfg);
  return sweeps(cfg);
}

if (require.main === module) workerMain(main);
