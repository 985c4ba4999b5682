// Conference status callbacks for the events section, made and POSTed in the fake space's process
// (so that the sender has a core of its own, as the fake space has for the other sections).
// Each callback is a participant-join of a participant of a FakeSpace conference, with the
// parameters the simulator sends (simulator/conference/callback-params.ts), signed as SignalWire signs
// (simulator/conference/signature.ts computeSignature). Every callback is distinct (its own CallSid), so
// the events node's replay protection drops none of them.
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { conferenceCallbackParams } from '../../simulator/conference/callback-params';
import type { FakeSpace } from '../../simulator/api/fake-space';
import { computeSignature } from '../../simulator/conference/signature';
import { percentile } from './stats';

export interface CallbackBatch {
  conferenceSid: string;
  callSids: string[];
  /** Form-encoded bodies, in order. */
  bodies: string[];
  /** Per signed URL, the X-SignalWire-Signature of each body. */
  signatures: Map<string, string[]>;
}

export interface PrepareCallbacks {
  /** Participants to add (one join callback each), in a new conference. */
  n: number;
  signingKey: string;
  /** Each callback is signed over each of these URLs. */
  signedUrls: string[];
}

export interface PostCallbacks {
  batch: number;
  /** Which callbacks: [from, from + count). */
  from: number;
  count: number;
  /** Where they are POSTed. */
  target: string;
  /** The URL their signature covers (one of the batch's signedUrls). */
  signedUrl: string;
  /** Closed loop: this many POSTs outstanding. */
  concurrency: number;
  /** Open loop instead: one POST every 1000/ratePerSec ms (concurrency ignored). */
  ratePerSec?: number;
  /** Send each callback's index in the batch as `X-Bench-Index`, so the receiver can time its arrival. */
  indexHeader?: boolean;
}

export interface PostResult {
  count: number;
  seconds: number;
  /** HTTP status -> how many (errors as 'error'). */
  statuses: Record<string, number>;
  firstError?: string;
  /** Response latency, ms. */
  p50: number;
  p99: number;
  /** CPU of the sending process (the fake space's) per callback, µs. */
  senderCpuUs: number;
}

const batches = new Map<number, CallbackBatch>();
let nextBatch = 1;

/** A new conference of n participants in `space`, and a signed participant-join callback for each. */
export function prepareCallbacks(space: FakeSpace, opts: PrepareCallbacks): { batch: number; conferenceSid: string; callSids: string[] } {
  const conferenceSid = space.addConference();
  space.addParticipants(conferenceSid, opts.n);
  const participants = space.participants(conferenceSid);
  const t0 = Date.now() - participants.length * 1000;
  const params = participants.map((p, i) => conferenceCallbackParams(space, 'participant-join', { sid: conferenceSid, friendlyName: 'bench-conference' }, p, t0 + i * 1000));
  const callSids = participants.map((p) => p.call_sid);
  return { batch: keepBatch(conferenceSid, callSids, params, opts), conferenceSid, callSids };
}

/** Callbacks' parameters as bodies signed over each URL, kept as a batch for postCallbacks; returns its number. */
export function keepBatch(conferenceSid: string, callSids: string[], params: Array<Record<string, string>>, opts: Pick<PrepareCallbacks, 'signingKey' | 'signedUrls'>): number {
  const bodies = params.map((p) => new URLSearchParams(p).toString());
  const signatures = new Map<string, string[]>(opts.signedUrls.map((u) => [u, params.map((p) => computeSignature(u, p, opts.signingKey))]));
  const id = nextBatch++;
  batches.set(id, { conferenceSid, callSids, bodies, signatures });
  return id;
}

export function dropCallbacks(batch: number): void {
  batches.delete(batch);
}

const agents = new Map<string, http.Agent>();
function agentFor(concurrency: number): http.Agent {
  const key = String(concurrency);
  let a = agents.get(key);
  if (!a) {
    a = new http.Agent({ keepAlive: true, maxSockets: Math.max(1, concurrency) });
    agents.set(key, a);
  }
  return a;
}

function postOne(target: URL, agent: http.Agent, body: string, signature: string, index?: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        agent,
        host: target.hostname,
        port: target.port,
        path: target.pathname + target.search,
        method: 'POST',
        headers: {
          'Content-Type': 'application/x-www-form-urlencoded',
          'Content-Length': Buffer.byteLength(body),
          'X-SignalWire-Signature': signature,
          ...(index === undefined ? {} : { 'X-Bench-Index': String(index) }),
        },
      },
      (res) => {
        res.resume(); // drain, so the keep-alive connection is reused
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** POSTs callbacks of a batch; resolves when every one has been answered (or failed). */
export async function postCallbacks(opts: PostCallbacks): Promise<PostResult> {
  const b = batches.get(opts.batch);
  if (!b) throw new Error(`no callback batch ${opts.batch}`);
  const sigs = b.signatures.get(opts.signedUrl);
  if (!sigs) throw new Error(`batch ${opts.batch} is not signed over ${opts.signedUrl}`);
  if (opts.from + opts.count > b.bodies.length) throw new Error(`batch ${opts.batch} has ${b.bodies.length} callbacks, asked for ${opts.from}+${opts.count}`);
  const target = new URL(opts.target);
  const paced = opts.ratePerSec !== undefined && opts.ratePerSec > 0;
  const agent = agentFor(paced ? 64 : opts.concurrency);
  const lat = new Float64Array(opts.count);
  const statuses: Record<string, number> = {};
  let firstError: string | undefined;
  const one = async (i: number): Promise<void> => {
    const t = performance.now();
    let key: string;
    try {
      key = String(await postOne(target, agent, b.bodies[opts.from + i], sigs[opts.from + i], opts.indexHeader ? opts.from + i : undefined));
    } catch (err) {
      key = 'error';
      firstError ??= (err as Error).message;
    }
    lat[i] = performance.now() - t;
    statuses[key] = (statuses[key] ?? 0) + 1;
  };
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  if (paced) {
    const gap = 1000 / opts.ratePerSec!;
    const all: Promise<void>[] = [];
    for (let i = 0; i < opts.count; i++) {
      const due = t0 + i * gap;
      const wait = due - performance.now();
      if (wait > 1) await new Promise((r) => setTimeout(r, wait));
      all.push(one(i));
    }
    await Promise.all(all);
  } else {
    let next = 0;
    const lane = async (): Promise<void> => {
      while (next < opts.count) await one(next++);
    };
    await Promise.all(Array.from({ length: Math.min(opts.concurrency, opts.count) }, lane));
  }
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const sorted = lat.slice().sort();
  return { count: opts.count, seconds, statuses, firstError, p50: percentile(sorted, 50), p99: percentile(sorted, 99), senderCpuUs: (cpu.user + cpu.system) / opts.count };
}
