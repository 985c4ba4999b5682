// Section 5a: conference status callbacks per second, signature checked, through
//   - this package's signalwire-conference-events node (output 1 into a sink), and
//   - the front half of the old example 03 (git 23b3d1c): http in (POST) -> function node
//     "check X-SignalWire-Signature" (its code verbatim) -> http response 204 (and 403 on its
//     second output), its first output also into a sink,
// in one embedded Node-RED runtime on a real HTTP port. The callbacks come from the fake space's
// process (a core of its own), signed as SignalWire signs them; both get the same callbacks,
// byte for byte: both are set up as behind a tunnel, with the same public URL the signature
// covers (the node's `publicUrl`, the old function's SIGNALWIRE_CALLBACK_URL). A third row, the
// events node taking the URL from the request (no publicUrl), gets the same callbacks signed over
// its own URL. A callback counts as done when it has been answered (the sender) and delivered
// into the flow (the sink); contenders take turns slice by slice, as in section 1.
import { performance } from 'node:perf_hooks';
import type { PostResult } from './lib/callbacks';
import { fake, workerConfig, workerMain, type FakeInfo } from './lib/ipc';
import { at, benchHooks, startNodeRed, type FlowNode, type Msg } from './lib/nodered';
import { startProfiler } from './lib/profiler';

/** floor: a bare route on the same HTTP server that reads the body, answers 204 and sends it on (no parsing, no checks). */
export type EventsContender = 'events' | 'old03' | 'events-direct' | 'floor';
export const EVENTS_CONTENDERS: EventsContender[] = ['events', 'old03', 'events-direct', 'floor'];

export interface EventsScenario {
  concurrency: number;
  /** Callbacks per run (per contender). */
  n: number;
}

export interface EventsConfig {
  fake: FakeInfo;
  signingKey: string;
  scenarios: EventsScenario[];
  reps: number;
  slices: number;
  warmup: number;
  /** Only these contenders (profiling); all by default. */
  contenders?: EventsContender[];
  /** Write a CPU profile of the measured runs (not start-up or warm-up) to this file. */
  profile?: string;
}

export interface EventsRun {
  n: number;
  seconds: number;
  rate: number;
  /** CPU of the Node-RED process per callback (user + system), µs. */
  cpuUs: number;
  /** Answer latency at the sender, ms (median over slices of their p50 / the worst p99). */
  p50: number;
  p99: number;
  /** CPU of the sending process per callback, µs. */
  senderCpuUs: number;
  answered: Record<string, number>;
  delivered: number;
  bad: number;
  firstError?: string;
}

export interface EventsMeasurement extends EventsScenario {
  contender: EventsContender;
  rep: number;
  result: EventsRun;
}

/** The public URL SignalWire was given (a tunnel in front of Node-RED): the signatures cover it. */
export const PUBLIC_URL = 'https://hooks.example.com/signalwire/conference-status';
const OLD_PATH = '/signalwire/conference-status';
const EVENTS_PATH = '/signalwire/conference-events';
const DIRECT_PATH = '/signalwire/conference-events-direct';
const FLOOR_PATH = '/bench/floor';

// The function node of the old example 03 (git show 23b3d1c:"examples/03 - ..."), verbatim.
const OLD_CHECK = `// Accepts the callback when its X-SignalWire-Signature is right (output 1), rejects it
// otherwise (output 2, answered 403). The key is the project's Signing Key (not the API
// token), from the environment variable SIGNALWIRE_SIGNING_KEY; without it nothing is checked.
const key = env.get("SIGNALWIRE_SIGNING_KEY");
if (!key) {
    node.status({ fill: "yellow", shape: "ring", text: "signature not checked" });
    return [msg, null];
}
const req = msg.req;
// The signature covers the public URL SignalWire posted to. Behind a proxy or a tunnel the
// host seen here differs: set SIGNALWIRE_CALLBACK_URL to the URL given as statusCallback.
const url = env.get("SIGNALWIRE_CALLBACK_URL") || (req.protocol + "://" + req.get("host") + req.originalUrl);
const params = msg.payload !== null && typeof msg.payload === "object" ? msg.payload : {};
let data = url;
for (const name of Object.keys(params).sort()) {
    const values = Array.isArray(params[name]) ? params[name].slice().sort() : [params[name]];
    for (const value of values) data += name + value;
}
const expected = Buffer.from(crypto.createHmac("sha1", key).update(data, "utf8").digest("base64"));
const got = Buffer.from(String(req.get("x-signalwire-signature") || req.get("x-twilio-signature") || ""));
if (got.length === expected.length && crypto.timingSafeEqual(got, expected)) {
    node.status({ fill: "green", shape: "dot", text: "signature ok" });
    return [msg, null];
}
node.status({ fill: "red", shape: "ring", text: "bad signature" });
node.warn("rejected a status callback: missing or wrong X-SignalWire-Signature");
return [null, msg];`;

export function eventsFlows(f: FakeInfo, signingKey: string): { flows: FlowNode[]; credentials: Record<string, Record<string, string>> } {
  const tab = 't1';
  const flows: FlowNode[] = [
    { id: tab, type: 'tab', label: 'bench' },
    { id: 'space', type: 'signalwire-space', name: 'fake space', space: f.url },
    // this package: behind the tunnel (publicUrl), and straight (the URL of the request)
    at(tab, { id: 'events', type: 'signalwire-conference-events', space: 'space', url: EVENTS_PATH, publicUrl: PUBLIC_URL, verify: true, events: [], coalesce: 1000, wires: [['sink-events'], []] }),
    at(tab, { id: 'sink-events', type: 'bench-sink', wires: [] }),
    at(tab, { id: 'events-direct', type: 'signalwire-conference-events', space: 'space', url: DIRECT_PATH, publicUrl: '', verify: true, events: [], coalesce: 1000, wires: [['sink-events-direct'], []] }),
    at(tab, { id: 'sink-events-direct', type: 'bench-sink', wires: [] }),
    // the old example 03's front half
    at(tab, { id: 'old-in', type: 'http in', name: 'conference status callback', url: OLD_PATH, method: 'post', upload: false, swaggerDoc: '', wires: [['old-check']] }),
    at(tab, {
      id: 'old-check', type: 'function', name: 'check X-SignalWire-Signature', func: OLD_CHECK, outputs: 2, timeout: 0, noerr: 0, initialize: '', finalize: '',
      libs: [{ var: 'crypto', module: 'crypto' }],
      wires: [['old-204', 'sink-old03'], ['old-403']],
    }),
    at(tab, { id: 'old-204', type: 'http response', name: '204 at once', statusCode: '204', headers: {}, wires: [] }),
    at(tab, { id: 'old-403', type: 'http response', name: '403 bad signature', statusCode: '403', headers: {}, wires: [] }),
    at(tab, { id: 'sink-old03', type: 'bench-sink', wires: [] }),
    // the floor: the same HTTP server and express routing, nothing else
    at(tab, { id: 'floor', type: 'bench-http-floor', url: FLOOR_PATH, wires: [['sink-floor']] }),
    at(tab, { id: 'sink-floor', type: 'bench-sink', wires: [] }),
    // a source so that startNodeRed knows the flows are up; errors end as failures
    at(tab, { id: 'src', type: 'bench-source', wires: [[]] }),
    at(tab, { id: 'catch', type: 'catch', scope: null, uncaught: false, wires: [['sink-failed']] }),
    at(tab, { id: 'sink-failed', type: 'bench-sink', failed: true, wires: [] }),
  ];
  return { flows, credentials: { space: { projectId: f.projectId, apiToken: f.apiToken, signingKey } } };
}

async function main(): Promise<EventsMeasurement[]> {
  const cfg = workerConfig<EventsConfig>();
  // The old function node reads both from the environment, as the example says.
  process.env.SIGNALWIRE_SIGNING_KEY = cfg.signingKey;
  process.env.SIGNALWIRE_CALLBACK_URL = PUBLIC_URL;
  const { flows, credentials } = eventsFlows(cfg.fake, cfg.signingKey);
  // functionExternalModules: the old function node takes node:crypto through its Setup tab.
  const nr = await startNodeRed({ flows, credentials, listen: true, settings: { functionExternalModules: true } });
  const targets: Record<EventsContender, { target: string; signedUrl: string; sink: string }> = {
    events: { target: `${nr.url}${EVENTS_PATH}`, signedUrl: PUBLIC_URL, sink: 'sink-events' },
    old03: { target: `${nr.url}${OLD_PATH}`, signedUrl: PUBLIC_URL, sink: 'sink-old03' },
    'events-direct': { target: `${nr.url}${DIRECT_PATH}`, signedUrl: `${nr.url}${DIRECT_PATH}`, sink: 'sink-events-direct' },
    floor: { target: `${nr.url}${FLOOR_PATH}`, signedUrl: PUBLIC_URL, sink: 'sink-floor' },
  };

  // Every callback distinct: one participant (one CallSid) each, for the warm-up and every run.
  const total = 2 * cfg.warmup + cfg.scenarios.reduce((a, s) => a + s.n * cfg.reps, 0);
  const prepared = await fake<{ batch: number; conferenceSid: string }>({
    op: 'prepare-callbacks',
    n: total,
    signingKey: cfg.signingKey,
    signedUrls: [PUBLIC_URL, targets['events-direct'].signedUrl],
  });
  let offset = 0;
  const contenders = cfg.contenders ?? EVENTS_CONTENDERS;

  /** `count` callbacks from `from` to contender c, `k` at a time; done when answered and delivered. */
  const run = async (c: EventsContender, from: number, count: number, k: number): Promise<EventsRun & { cpuMicros: number }> => {
    const t = targets[c];
    let delivered = 0;
    let bad = 0;
    let lastArrival = 0;
    let firstError: string | undefined;
    let allDelivered: () => void = () => undefined;
    const deliveredAll = new Promise<void>((r) => (allDelivered = r));
    benchHooks().onSink = (sinkId, msg: Msg, failed) => {
      if (failed) {
        bad++;
        firstError ??= String((msg.error as { message?: string })?.message ?? 'error');
        return;
      }
      if (sinkId !== t.sink) return;
      const ok =
        c === 'old03'
          ? (msg.payload as Record<string, unknown>)?.StatusCallbackEvent === 'participant-join'
          : c === 'floor'
            ? typeof msg.payload === 'string' && msg.payload.includes('participant-join')
            : msg.topic === 'participant-join' && typeof msg.callSid === 'string';
      if (!ok) {
        bad++;
        firstError ??= `bad message: ${JSON.stringify(msg.payload)?.slice(0, 200)}`;
      }
      lastArrival = performance.now();
      if (++delivered === count) allDelivered();
    };
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const posted = await fake<PostResult>({ op: 'post-callbacks', batch: prepared.batch, from, count, target: t.target, signedUrl: t.signedUrl, concurrency: k });
    const answeredAt = performance.now();
    const answeredOk = posted.statuses['204'] ?? 0;
    // Whatever was answered 204 must reach the sink; give stragglers a moment, not forever.
    if (answeredOk === count) await Promise.race([deliveredAll, new Promise((r) => setTimeout(r, 10_000))]);
    const t1 = Math.max(answeredAt, lastArrival);
    const cpu = process.cpuUsage(cpu0);
    benchHooks().onSink = null;
    if (answeredOk !== count) firstError ??= `answered ${JSON.stringify(posted.statuses)}${posted.firstError ? `: ${posted.firstError}` : ''}`;
    if (delivered !== count) firstError ??= `${delivered} of ${count} delivered`;
    const seconds = (t1 - t0) / 1000;
    return { n: count, seconds, rate: count / seconds, cpuUs: (cpu.user + cpu.system) / count, cpuMicros: cpu.user + cpu.system, p50: posted.p50, p99: posted.p99, senderCpuUs: posted.senderCpuUs, answered: posted.statuses, delivered, bad: bad + (count - Math.min(answeredOk, delivered)), firstError };
  };

  // Warm-up: JIT, sockets, the function node's VM; not measured. The same callbacks for each.
  for (const k of [1, 10]) {
    const n = cfg.warmup;
    for (const c of contenders) {
      const r = await run(c, offset, n, k);
      if (r.bad) throw new Error(`warm-up ${c}: ${r.firstError}`);
    }
    offset += n;
  }

  const profiler = cfg.profile ? await startProfiler() : null;
  const out: EventsMeasurement[] = [];
  for (const s of cfg.scenarios) {
    const slices = Math.max(1, Math.min(cfg.slices, Math.floor(s.n / s.concurrency)));
    for (let rep = 0; rep < cfg.reps; rep++) {
      const parts = new Map<EventsContender, Array<EventsRun & { cpuMicros: number }>>(contenders.map((c) => [c, []]));
      for (let slice = 0; slice < slices; slice++) {
        const n = Math.floor((s.n * (slice + 1)) / slices) - Math.floor((s.n * slice) / slices);
        const turn = rep * slices + slice;
        for (let i = 0; i < contenders.length; i++) {
          const c = contenders[(i + turn) % contenders.length];
          const from = offset;
          parts.get(c)!.push(await (profiler ? profiler.window(c, n, () => run(c, from, n, s.concurrency)) : run(c, from, n, s.concurrency)));
        }
        offset += n;
      }
      for (const c of contenders) {
        const p = parts.get(c)!;
        const n = p.reduce((a, x) => a + x.n, 0);
        const seconds = p.reduce((a, x) => a + x.seconds, 0);
        const answered: Record<string, number> = {};
        for (const x of p) for (const [k, v] of Object.entries(x.answered)) answered[k] = (answered[k] ?? 0) + v;
        const p50s = p.map((x) => x.p50).sort((a, b) => a - b);
        const result: EventsRun = {
          n,
          seconds,
          rate: n / seconds,
          cpuUs: p.reduce((a, x) => a + x.cpuMicros, 0) / n,
          p50: p50s[p50s.length >> 1],
          p99: Math.max(...p.map((x) => x.p99)),
          senderCpuUs: p.reduce((a, x) => a + x.senderCpuUs * x.n, 0) / n,
          answered,
          delivered: p.reduce((a, x) => a + x.delivered, 0),
          bad: p.reduce((a, x) => a + x.bad, 0),
          firstError: p.find((x) => x.firstError)?.firstError,
        };
        if (result.bad) throw new Error(`${c}: ${result.bad} of ${n} failed, first: ${result.firstError}`);
        out.push({ ...s, contender: c, rep, result });
      }
    }
  }
  if (profiler && cfg.profile) await profiler.stop(cfg.profile);
  await fake({ op: 'drop-callbacks', batch: prepared.batch });
  await nr.stop();
  return out;
}

if (require.main === module) workerMain(main);
