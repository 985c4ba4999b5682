// Process plumbing of the bench: the parent starts the fake space and the workers as child
// processes; a worker asks the fake for things (latency, stats) through the parent.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { PostCallbacks, PrepareCallbacks } from './callbacks';
import type { RosterCommand } from './roster-space';

export type FakeCommand =
  | { op: 'info' }
  | { op: 'conference'; participants: number; sample?: number }
  | { op: 'latency'; ms: number }
  | { op: 'record'; on: boolean }
  | { op: 'reset' }
  | { op: 'stats' }
  | { op: 'memory' }
  // The events section: signed callbacks made and POSTed by the fake space's process.
  | ({ op: 'prepare-callbacks' } & PrepareCallbacks)
  | ({ op: 'post-callbacks' } & PostCallbacks)
  | { op: 'drop-callbacks'; batch: number }
  | { op: 'request-counts' }
  // Section 7: the conference roster's own space (bench/lib/roster-space.ts).
  | ({ op: 'roster' } & RosterCommand);

/** Requests the fake space saw since the last reset, by kind (request log on). */
export interface RequestCounts {
  /** GET .../Conferences/{sid}/Participants (list pages) */
  list: number;
  /** GET .../Calls/{sid} (call details) */
  calls: number;
  other: number;
  maxInFlight: number;
}

export interface FakeInfo {
  url: string;
  projectId: string;
  apiToken: string;
}

export interface FakeStats {
  requests: number;
  maxInFlight: number;
  inFlight: number;
  connections: number;
}

export const BENCH_DIR = path.resolve(__dirname, '..');
export const REPO_ROOT = path.resolve(BENCH_DIR, '..');

type Reply = { id: number; result?: unknown; error?: string };

/** Node flags that run a TypeScript file: tsx as an import hook. */
function tsArgs(file: string, nodeFlags: string[]): string[] {
  return [...nodeFlags, '--import', 'tsx', path.join(BENCH_DIR, file)];
}

export class FakeProcess {
  private next = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private constructor(readonly child: ChildProcess) {
    child.on('message', (m: Reply) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (m.error !== undefined) p.reject(new Error(`fake space: ${m.error}`));
      else p.resolve(m.result);
    });
  }

  static start(): Promise<FakeProcess> {
    const child = spawn(process.execPath, tsArgs('fake-server.ts', []), { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    return new Promise((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`fake space exited during start (${code})`));
      child.once('exit', onExit);
      child.once('message', () => {
        child.off('exit', onExit);
        resolve(new FakeProcess(child));
      });
    });
  }

  call<T = unknown>(cmd: FakeCommand): Promise<T> {
    const id = this.next++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.child.send({ id, cmd });
    });
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise<void>((r) => this.child.once('exit', () => r()));
    this.child.disconnect();
    const t = setTimeout(() => this.child.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(t);
  }
}

export interface WorkerOptions {
  nodeFlags?: string[];
  /** Echo the worker's output as it comes (otherwise only shown when it fails). */
  echo?: boolean;
  timeoutMs?: number;
}

/**
 * Runs a worker (a TypeScript file in bench/) with `config` and resolves with the one result it
 * reports. The worker's requests to the fake space are relayed.
 */
export function runWorker<T>(file: string, config: unknown, fake: FakeProcess, opts: WorkerOptions = {}): Promise<T> {
  const child = spawn(process.execPath, tsArgs(file, opts.nodeFlags ?? []), {
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    env: { ...process.env, BENCH_CONFIG: JSON.stringify(config) },
  });
  let output = '';
  const onData = (chunk: Buffer) => {
    output += chunk.toString();
    if (opts.echo) process.stderr.write(chunk);
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  let result: T | undefined;
  let failure: string | undefined;
  child.on('message', (m: { type: string; id?: number; cmd?: FakeCommand; data?: T; error?: string }) => {
    if (m.type === 'fake') {
      fake.call(m.cmd!).then(
        (r) => child.connected && child.send({ id: m.id, result: r }),
        (e: Error) => child.connected && child.send({ id: m.id, error: e.message }),
      );
    } else if (m.type === 'result') {
      result = m.data;
    } else if (m.type === 'error') {
      failure = m.error;
    }
  });
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      failure = `timed out after ${opts.timeoutMs} ms`;
      child.kill('SIGKILL');
    }, opts.timeoutMs ?? 600_000);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (result !== undefined && code === 0) resolve(result);
      else {
        const why = failure ?? `exited with ${code ?? signal}`;
        reject(new Error(`${file}: ${why}\n--- worker output ---\n${output.slice(-4000)}`));
      }
    });
  });
}

// ------------------------------------------------------------------ worker side

let nextCall = 1;
const calls = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
let listening = false;

/** In a worker: a command for the fake space, relayed by the parent. */
export function fake<T = unknown>(cmd: FakeCommand): Promise<T> {
  if (!process.send) throw new Error('not a bench worker (no IPC channel)');
  if (!listening) {
    listening = true;
    process.on('message', (m: Reply) => {
      const c = calls.get(m.id);
      if (!c) return;
      calls.delete(m.id);
      if (m.error !== undefined) c.reject(new Error(m.error));
      else c.resolve(m.result);
    });
  }
  const id = nextCall++;
  return new Promise<T>((resolve, reject) => {
    calls.set(id, { resolve: resolve as (v: unknown) => void, reject });
    process.send!({ type: 'fake', id, cmd });
  });
}

export function workerConfig<T>(): T {
  const text = process.env.BENCH_CONFIG;
  if (!text) throw new Error('BENCH_CONFIG is not set: workers are started by bench/run.ts');
  return JSON.parse(text) as T;
}

/** Runs a worker's main: reports its result (or error) to the parent, then exits. */
export function workerMain<T>(main: () => Promise<T>): void {
  main().then(
    (data) => {
      process.send!({ type: 'result', data }, () => process.exit(0));
    },
    (err: Error) => {
      console.error(err);
      process.send!({ type: 'error', error: err?.stack ?? String(err) }, () => process.exit(1));
    },
  );
}
