// Section 1: get one participant, N times, K at a time, through each contender, all in one
// process: this package's node, the minimal custom node (a bare axios GET, the floor of any node
// in this runtime), the official SDK in a function node and the core http request node in one
// embedded Node-RED runtime, and a bare axios client beside it, outside the runtime.
import http from 'node:http';
import axios from 'axios';
import { driveClient, driveFlow, summarise, type RunResult, type Sample } from './lib/drive';
import { fake, workerConfig, workerMain, type FakeInfo } from './lib/ipc';
import { at, startNodeRed, type FlowNode, type Msg } from './lib/nodered';
import { startProfiler } from './lib/profiler';

export type Contender = 'package' | 'minimal' | 'bare' | 'sdk' | 'http';
/**
 * minimal: the floor, a custom node in the same runtime that sends the answer of a bare
 * keep-alive axios GET (bench/nodes/bench-nodes.js). bare: that GET outside Node-RED, so without
 * the runtime's message passing, which no node can avoid.
 */
export const CONTENDERS: Contender[] = ['package', 'minimal', 'bare', 'sdk', 'http'];

export interface GetScenario {
  latencyMs: number;
  concurrency: number;
  n: number;
}

export interface GetConfig {
  fake: FakeInfo;
  conferenceSid: string;
  callSids: string[];
  scenarios: GetScenario[];
  reps: number;
  /**
   * Each run of a contender is cut into this many slices, and the contenders take turns slice
   * by slice: a burst of load from elsewhere on the machine hits them all alike.
   */
  slices: number;
  warmup: number;
  /** The space node's max requests in flight (its default, 10). */
  maxInFlight: number;
  /** Only these contenders (profiling); all by default. */
  contenders?: Contender[];
  /** Write a CPU profile of the measured runs (not the start-up or warm-up) to this file. */
  profile?: string;
}

export interface GetMeasurement extends GetScenario {
  contender: Contender;
  rep: number;
  result: RunResult;
}

const API_ROOT = '/api/laml/2010-04-01';

// The official SDK as its documentation shows it, in a function node: the client is made once
// (On Start) and each message fetches one participant.
const SDK_INIT = `
const { RestClient } = global.get('swsdk');
const cfg = global.get('swcfg');
const client = RestClient(cfg.projectId, cfg.apiToken, { signalwireSpaceUrl: cfg.host });
// The SDK always builds https://<space>; the fake space on loopback speaks plain http.
client.api.baseUrl = 'http://' + cfg.host;
context.set('client', client);
`;
const SDK_FUNC = `
const client = context.get('client');
msg.payload = await client.conferences(msg.conferenceSid).participants(msg.callSid).fetch();
return msg;
`;

export function getFlows(cfg: { fake: FakeInfo; maxInFlight: number }): { flows: FlowNode[]; credentials: Record<string, Record<string, string>> } {
  const tab = 't1';
  const { url, projectId, apiToken } = cfg.fake;
  const flows: FlowNode[] = [
    { id: tab, type: 'tab', label: 'bench' },
    { id: 'space', type: 'signalwire-space', name: 'fake space', space: url, maxInFlight: cfg.maxInFlight },
    // this package
    at(tab, { id: 'src-package', type: 'bench-source', wires: [['get-package']] }),
    at(tab, { id: 'get-package', type: 'signalwire-get-participant', space: 'space', conferenceSid: 'conferenceSid', conferenceSidType: 'msg', callSid: 'callSid', callSidType: 'msg', wires: [['sink-package']] }),
    at(tab, { id: 'sink-package', type: 'bench-sink', wires: [] }),
    // the official SDK in a function node
    at(tab, { id: 'src-sdk', type: 'bench-source', wires: [['fn-sdk']] }),
    at(tab, { id: 'fn-sdk', type: 'function', name: 'SDK fetch', func: SDK_FUNC, outputs: 1, timeout: 0, noerr: 0, initialize: SDK_INIT, finalize: '', libs: [], wires: [['sink-sdk']] }),
    at(tab, { id: 'sink-sdk', type: 'bench-sink', wires: [] }),
    // the core http request node, basic auth, keep-alive on
    at(tab, { id: 'src-http', type: 'bench-source', wires: [['http-req']] }),
    at(tab, {
      id: 'http-req', type: 'http request', name: '', method: 'GET', ret: 'obj', paytoqs: 'ignore',
      url: `${url}${API_ROOT}/Accounts/${projectId}/Conferences/{{{conferenceSid}}}/Participants/{{{callSid}}}`,
      tls: '', persist: true, proxy: '', insecureHTTPParser: false, authType: 'basic', senderr: false, headers: [],
      wires: [['sink-http']],
    }),
    at(tab, { id: 'sink-http', type: 'bench-sink', wires: [] }),
    // the floor: a minimal custom node, a bare keep-alive axios GET and nothing else
    at(tab, { id: 'src-minimal', type: 'bench-source', wires: [['get-minimal']] }),
    at(tab, { id: 'get-minimal', type: 'bench-minimal-get', baseUrl: url, accountPath: `${API_ROOT}/Accounts/${projectId}`, user: projectId, password: apiToken, wires: [['sink-minimal']] }),
    at(tab, { id: 'sink-minimal', type: 'bench-sink', wires: [] }),
    // errors of every node end their message too, as failures
    at(tab, { id: 'catch', type: 'catch', scope: null, uncaught: false, wires: [['sink-failed']] }),
    at(tab, { id: 'sink-failed', type: 'bench-sink', failed: true, wires: [] }),
  ];
  const credentials = {
    space: { projectId, apiToken },
    'http-req': { user: projectId, password: apiToken },
  };
  return { flows, credentials };
}

export function sdkGlobals(f: FakeInfo): Record<string, unknown> {
  return {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    swsdk: require('@signalwire/compatibility-api'),
    swcfg: { projectId: f.projectId, apiToken: f.apiToken, host: new URL(f.url).host },
  };
}

const isParticipant = (p: unknown): boolean => {
  const o = p as Record<string, unknown> | null;
  return !!o && typeof o === 'object' && (typeof o.call_sid === 'string' || typeof o.callSid === 'string');
};

async function main(): Promise<GetMeasurement[]> {
  const cfg = workerConfig<GetConfig>();
  const { flows, credentials } = getFlows(cfg);
  const { url, projectId, apiToken } = cfg.fake;
  // The floor: a bare axios client with keep-alive, as lean as axios goes (no redirects).
  const bare = axios.create({
    baseURL: url,
    auth: { username: projectId, password: apiToken },
    httpAgent: new http.Agent({ keepAlive: true }),
    maxRedirects: 0,
  });
  const participantPath = (callSid: string) => `${API_ROOT}/Accounts/${projectId}/Conferences/${cfg.conferenceSid}/Participants/${callSid}`;
  const nr = await startNodeRed({ flows, credentials, settings: { functionGlobalContext: sdkGlobals(cfg.fake) } });

  const sids = cfg.callSids;
  const makeMsg = (i: number): Msg => ({ payload: '', conferenceSid: cfg.conferenceSid, callSid: sids[i % sids.length] });
  const check = (m: Msg) => (m.statusCode === undefined || m.statusCode === 200) && isParticipant(m.payload);

  const run = (c: Contender, n: number, k: number): Promise<Sample> => {
    if (c === 'bare') return driveClient((i) => bare.get(participantPath(sids[i % sids.length])).then((r) => r.data), n, k, isParticipant);
    return driveFlow({ send: nr.source(`src-${c}`), sinks: new Set([`sink-${c}`]), makeMsg, check }, n, k);
  };

  const contenders = cfg.contenders ?? CONTENDERS;
  // Warm-up: JIT, sockets, the SDK's lazy parts; not measured.
  await fake({ op: 'latency', ms: 0 });
  for (const c of contenders) {
    await run(c, cfg.warmup, 1);
    await run(c, cfg.warmup, cfg.maxInFlight);
  }

  const profiler = cfg.profile ? await startProfiler() : null;
  const out: GetMeasurement[] = [];
  let latency = -1;
  for (const s of cfg.scenarios) {
    if (s.latencyMs !== latency) {
      await fake({ op: 'latency', ms: s.latencyMs });
      latency = s.latencyMs;
    }
    const slices = Math.max(1, Math.min(cfg.slices ?? 1, Math.floor(s.n / s.concurrency)));
    for (let rep = 0; rep < cfg.reps; rep++) {
      const parts = new Map<Contender, Sample[]>(contenders.map((c) => [c, []]));
      for (let slice = 0; slice < slices; slice++) {
        const n = Math.floor((s.n * (slice + 1)) / slices) - Math.floor((s.n * slice) / slices);
        // A different order each slice, so no contender always runs first or last.
        const turn = rep * slices + slice;
        for (let i = 0; i < contenders.length; i++) {
          const c = contenders[(i + turn) % contenders.length];
          // No forced GC between turns: with one every turn each turn started cold (a check:
          // +70-100% CPU per request for every contender; V8 may flush the bytecode of code that
          // did not run across full GCs).
          parts.get(c)!.push(await (profiler ? profiler.window(c, n, () => run(c, n, s.concurrency)) : run(c, n, s.concurrency)));
        }
      }
      for (const c of contenders) {
        const result = summarise(parts.get(c)!);
        if (result.errors > 0) throw new Error(`${c}: ${result.errors} of ${result.n} failed, first: ${result.firstError}`);
        out.push({ ...s, contender: c, rep, result });
      }
    }
  }
  if (profiler && cfg.profile) await profiler.stop(cfg.profile);
  await fake({ op: 'latency', ms: 0 });
  await nr.stop();
  return out;
}

if (require.main === module) workerMain(main);
