// Section 6 (issue 15): every bounded memory of the package must cost the same per operation
// empty, full, or after a million entries. One memory per process: a throwaway instance warms
// the code up first (filling it and pushing entries out, so every path is compiled), then a
// fresh one takes `total` distinct identities and each `step` of them is timed.
//
// A memory is one entry of MEMORIES: `make` builds a fresh instance and returns what one new
// identity costs it (the operation its node performs for an identity it has not seen): the
// events node's replay memory, a space's call details, the roster's departed participants and
// ended conferences. Rows marked `old` are copies of the structures these replaced, shown for
// comparison and held to no target.
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type * as CallDetailsModule from '../nodes/lib/requests/call-details';
import type * as ClientModule from '../nodes/lib/client/client';
import type * as ReplayModule from '../nodes/lib/callbacks/replay-memory';
import type * as RosterStateModule from '../nodes/lib/roster/state';
import { workerConfig, workerMain } from './lib/ipc';
import { forceGc } from './lib/memory';
import { packageDir } from './lib/nodered';

export interface MemoryConfig {
  memory: MemoryName;
  /** Distinct identities through the measured instance. */
  total: number;
  /** Identities per timed step. */
  step: number;
  /** Distinct identities through the throwaway instance first. */
  warmup: number;
  /** Measured instances, one after the other (a fresh one each); the figures are their medians. */
  reps: number;
}

export interface MemoryResult {
  memory: MemoryName;
  /** CPU ms (process, user + system) per `step` identities, one array per rep. */
  runs: number[][];
  /** Wall ms per `step` identities, one array per rep. */
  wallRuns: number[][];
  /** CPU ms for the first `bound` identities (filling up), one per rep. */
  fillMs: number[];
  /** Entries held at the end of the last rep (the memory's bound, once full). */
  heldAtEnd: number;
}

interface MemoryCase {
  label: string;
  /** A copy of a replaced structure, for comparison: no target. */
  old?: boolean;
  /** The most entries it may hold: a full one holds exactly this many. */
  bound: number;
  /** A fresh instance; returns the cost of one new identity, and how many entries it holds. */
  make(): { touch(id: string): void; size(): number };
}

/* eslint-disable @typescript-eslint/no-require-imports */
function lib<T>(file: string): T {
  return require(path.join(packageDir(), 'dist', 'nodes', 'lib', file)) as T;
}
/* eslint-enable @typescript-eslint/no-require-imports */

/** What a listing keeps of a call: the value type of the call-details cache. */
const DETAILS = { from: '+15550100000', to: '+15550100001', callerName: null, direction: 'inbound', startTime: null };

export const MEMORIES = {
  replay: {
    label: 'replay memory (events node), 10,000 for 10 min',
    bound: 10_000,
    make() {
      const { ReplayMemory } = lib<typeof ReplayModule>('callbacks/replay-memory.js');
      const m = new ReplayMemory();
      return { touch: (id: string) => void m.repeated(id), size: () => m.size };
    },
  },
  'call-details': {
    label: 'call-details cache (per space), 10,000 LRU',
    bound: 10_000,
    make() {
      const { callDetailsCache } = lib<typeof CallDetailsModule>('requests/call-details.js');
      const { SignalWireClient } = lib<typeof ClientModule>('client/client.js');
      // The cache belongs to a client; this one makes no request.
      const client = new SignalWireClient({
        endpoint: { origin: 'http://127.0.0.1:9', apiRoot: '/api/laml/2010-04-01' },
        projectId: 'bench',
        apiToken: 'bench-token',
        timeoutMs: 10_000,
        retries: 0,
        maxInFlight: 10,
        maxQueued: 1000,
      });
      client.close();
      const cache = callDetailsCache(client);
      // A call not seen before: looked for, then kept (what addCallDetails does).
      return { touch: (id: string) => void (cache.get(id) ?? cache.set(id, DETAILS)), size: () => cache.size };
    },
  },
  'roster-departed': {
    label: 'roster: departed participants, 50,000 for 10 min',
    bound: 50_000,
    make() {
      const roster = quietRoster();
      const at = Date.now();
      // A participant nobody has seen joins one conference and leaves: remembered as departed.
      return {
        touch: (id: string) => {
          roster.event({ kind: 'participant-join', conferenceSid: 'bench-conference', callSid: id, at, from: '+15550100001' });
          roster.event({ kind: 'participant-leave', conferenceSid: 'bench-conference', callSid: id, at });
        },
        size: () => roster.remembered.departed,
      };
    },
  },
  'roster-ended': {
    label: 'roster: ended conferences, 10,000 for an hour',
    bound: 10_000,
    make() {
      const roster = quietRoster();
      const at = Date.now();
      // A conference nobody has seen starts and ends: remembered as ended.
      return {
        touch: (id: string) => {
          roster.event({ kind: 'conference-start', conferenceSid: id, at });
          roster.event({ kind: 'conference-end', conferenceSid: id, at });
        },
        size: () => roster.remembered.ended,
      };
    },
  },
  'replay-old': {
    label: 'OLD replay memory (a Map, oldest out by keys().next())',
    bound: 10_000,
    old: true,
    make() {
      const m = new OldReplayMemory();
      return { touch: (id: string) => void m.repeated(id), size: () => m.size };
    },
  },
  'call-details-old': {
    label: 'OLD call-details cache (a Map, oldest out by keys().next())',
    bound: 10_000,
    old: true,
    make() {
      const cache = new OldLruCache<string, typeof DETAILS>(10_000);
      return { touch: (id: string) => void (cache.get(id) ?? cache.set(id, DETAILS)), size: () => cache.size };
    },
  },
} satisfies Record<string, MemoryCase>;

export type MemoryName = keyof typeof MEMORIES;

/** The roster's pure state with the node's bounds, telling nobody of its changes. */
function quietRoster(): RosterStateModule.Roster {
  const { Roster } = lib<typeof RosterStateModule>('roster/state.js');
  return new Roster({ rows() {}, overview() {}, ended() {}, sweep() {}, details() {}, refused() {} });
}

// ------------------------------------------------------------------ the OLD structures
// Copies of the code these memories replaced (commit 4f2dda9), for the comparison rows only.

/** OLD: nodes/lib/callbacks/replay-memory.ts before lru-cache. */
class OldReplayMemory {
  private readonly seen = new Map<string, number>();
  private readonly ttlMs = 10 * 60_000;
  private readonly max = 10_000;

  repeated(id: string): boolean {
    const now = Date.now();
    this.expire(now);
    const at = this.seen.get(id);
    if (at !== undefined) return true;
    while (this.seen.size >= this.max) this.seen.delete(this.seen.keys().next().value as string);
    this.seen.set(id, now);
    return false;
  }

  get size(): number {
    return this.seen.size;
  }

  private expire(now: number): void {
    for (const [id, at] of this.seen) {
      if (now - at < this.ttlMs) break;
      this.seen.delete(id);
    }
  }
}

/** OLD: the LruCache class of nodes/lib/requests/call-details.ts before lru-cache. */
class OldLruCache<K, V> {
  private readonly map = new Map<K, V>();

  constructor(readonly capacity: number) {}

  get size(): number {
    return this.map.size;
  }

  get(key: K): V | undefined {
    const v = this.map.get(key);
    if (v !== undefined) {
      this.map.delete(key);
      this.map.set(key, v);
    }
    return v;
  }

  set(key: K, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    if (this.map.size > this.capacity) {
      const oldest = this.map.keys().next();
      if (!oldest.done) this.map.delete(oldest.value);
    }
  }
}

// ------------------------------------------------------------------ the measurement

/** `n` distinct identities of 44 characters (a replay identity is a base64 SHA-256), made before the clock starts. */
function identities(prefix: string, n: number): string[] {
  const ids = new Array<string>(n);
  for (let i = 0; i < n; i++) ids[i] = `${prefix}${i.toString(36)}`.padEnd(44, '=');
  return ids;
}

/** The process's CPU time so far, ms (user + system: every thread, the collector's included). */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/**
 * CPU and wall ms per `step` identities, and CPU ms for the first `bound` of them (the memory
 * filling up). CPU time is the judged figure: on a shared machine wall time also counts the time
 * other processes hold the cores.
 */
function measure(memory: MemoryCase, ids: string[], step: number): { cpu: number[]; wall: number[]; fillMs: number; held: number } {
  const m = memory.make();
  const cpu: number[] = [];
  const wall: number[] = [];
  let fillMs = NaN;
  let spent = 0;
  for (let from = 0; from < ids.length; from += step) {
    const to = Math.min(ids.length, from + step);
    const t0 = performance.now();
    const c0 = cpuMs();
    // The step in which the memory becomes full is timed in two parts: up to the bound, then on.
    const split = memory.bound > from && memory.bound <= to ? memory.bound : from;
    for (let i = from; i < split; i++) m.touch(ids[i]);
    if (split > from) fillMs = spent + cpuMs() - c0;
    for (let i = split; i < to; i++) m.touch(ids[i]);
    const took = cpuMs() - c0;
    wall.push(performance.now() - t0);
    cpu.push(took);
    spent += took;
  }
  return { cpu, wall, fillMs, held: m.size() };
}

async function main(): Promise<MemoryResult> {
  const cfg = workerConfig<MemoryConfig>();
  const memory: MemoryCase = MEMORIES[cfg.memory];
  if (!memory) throw new Error(`no memory named ${cfg.memory}`);
  const warm = identities('w', cfg.warmup);
  const runs: number[][] = [];
  const wallRuns: number[][] = [];
  const fillMs: number[] = [];
  let held = 0;
  for (let rep = 0; rep < cfg.reps; rep++) {
    const ids = identities(`r${rep}-`, cfg.total);
    // The previous run's garbage collected now rather than during this one; then a throwaway
    // instance, filled and churned, so the first measured step times the structure, not the
    // compiler nor a heap that has just been shrunk by the collection.
    forceGc();
    measure(memory, warm, cfg.step);
    const r = measure(memory, ids, cfg.step);
    runs.push(r.cpu);
    wallRuns.push(r.wall);
    fillMs.push(r.fillMs);
    held = r.held;
  }
  return { memory: cfg.memory, runs, wallRuns, fillMs, heldAtEnd: held };
}

if (require.main === module) workerMain(main);
