// Closed-loop drivers: keep K requests (or messages) outstanding until N have completed, and
// time each one from start to completion.
import { performance } from 'node:perf_hooks';
import { benchHooks, type Msg } from './nodered';
import { percentile } from './stats';

export interface RunResult {
  n: number;
  errors: number;
  firstError?: string;
  seconds: number;
  rate: number;
  p50: number;
  p99: number;
  /** CPU time of this whole process per request (user + system), µs: robust to other load. */
  cpuUs: number;
}

/** One stretch of a run: the raw figures, so that slices of a run can be added up. */
export interface Sample {
  lat: Float64Array;
  errors: number;
  firstError?: string;
  seconds: number;
  cpuMicros: number;
}

function sample(lat: Float64Array, errors: number, t0: number, t1: number, cpu0: NodeJS.CpuUsage, firstError?: string): Sample {
  const cpu = process.cpuUsage(cpu0);
  return { lat, errors, firstError, seconds: (t1 - t0) / 1000, cpuMicros: cpu.user + cpu.system };
}

/** Adds slices up: rate = all requests / all their time, percentiles over every latency. */
export function summarise(samples: Sample[]): RunResult {
  const n = samples.reduce((a, x) => a + x.lat.length, 0);
  const all = new Float64Array(n);
  let o = 0;
  for (const x of samples) {
    all.set(x.lat, o);
    o += x.lat.length;
  }
  all.sort();
  const seconds = samples.reduce((a, x) => a + x.seconds, 0);
  return {
    n,
    errors: samples.reduce((a, x) => a + x.errors, 0),
    firstError: samples.find((x) => x.firstError)?.firstError,
    seconds,
    rate: n / seconds,
    p50: percentile(all, 50),
    p99: percentile(all, 99),
    cpuUs: samples.reduce((a, x) => a + x.cpuMicros, 0) / n,
  };
}

/** N calls of `call`, `concurrency` at a time (a new one starts as soon as one ends). */
export async function driveClient(call: (i: number) => Promise<unknown>, total: number, concurrency: number, check?: (r: unknown) => boolean): Promise<Sample> {
  const lat = new Float64Array(total);
  let next = 0;
  let done = 0;
  let errors = 0;
  let firstError: string | undefined;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  async function lane(): Promise<void> {
    while (next < total) {
      const i = next++;
      const t = performance.now();
      try {
        const r = await call(i);
        if (check && !check(r)) throw new Error(`bad result: ${JSON.stringify(r)?.slice(0, 200)}`);
      } catch (err) {
        errors++;
        firstError ??= (err as Error).message;
      }
      lat[done++] = performance.now() - t;
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, lane));
  return sample(lat, errors, t0, performance.now(), cpu0, firstError);
}

export interface FlowDrive {
  /** Sends msg into the flow (a bench-source's send). */
  send: (msg: Msg) => void;
  /** The sinks whose arrivals count as completions for this contender. */
  sinks: ReadonlySet<string>;
  makeMsg: (i: number) => Msg;
  /** Is the message that reached a sink a success? */
  check?: (msg: Msg) => boolean;
}

const START = '_benchStart';

/**
 * N messages through a running flow, `concurrency` outstanding at a time: a message enters at
 * the bench-source, and its arrival at a bench-sink (the output, or the Catch node's sink for
 * errors) sends the next one. Latency is inject-to-sink.
 */
export function driveFlow(d: FlowDrive, total: number, concurrency: number): Promise<Sample> {
  const hooks = benchHooks();
  const lat = new Float64Array(total);
  let sent = 0;
  let done = 0;
  let errors = 0;
  let firstError: string | undefined;
  return new Promise<Sample>((resolve, reject) => {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const sendOne = () => {
      const msg = d.makeMsg(sent++);
      msg[START] = performance.now();
      d.send(msg);
    };
    const watchdog = setInterval(() => {
      if (performance.now() - lastArrival > 60_000) {
        clearInterval(watchdog);
        hooks.onSink = null;
        reject(new Error(`flow stalled: ${done}/${total} messages completed`));
      }
    }, 5000);
    let lastArrival = performance.now();
    hooks.onSink = (sinkId, msg, failed) => {
      if (!d.sinks.has(sinkId) && !failed) return;
      const start = msg[START] as number | undefined;
      if (start === undefined) return;
      const now = performance.now();
      lastArrival = now;
      if (failed || (d.check && !d.check(msg))) {
        errors++;
        firstError ??= failed ? String((msg.error as { message?: string })?.message ?? 'error') : `bad message: ${JSON.stringify(msg.payload)?.slice(0, 200)}`;
      }
      lat[done++] = now - start;
      if (done === total) {
        clearInterval(watchdog);
        hooks.onSink = null;
        resolve(sample(lat, errors, t0, now, cpu0, firstError));
      } else if (sent < total) {
        sendOne();
      }
    };
    for (let k = 0; k < Math.min(concurrency, total); k++) sendOne();
  });
}
