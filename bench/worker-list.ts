// Section 2: list every participant of one conference, once, in a fresh process (so the peak
// memory belongs to this case alone): this package's list node (one message, or one message per
// page) in an embedded Node-RED, the official SDK's list(), or a bare loop following
// next_page_uri with axios.
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import axios from 'axios';
import { fake, workerConfig, workerMain, type FakeInfo, type FakeStats } from './lib/ipc';
import { forceGc, MemorySampler, type MemoryPeak } from './lib/memory';
import { benchHooks, CATCH_FAILURES, onFakeSpace, startNodeRed, type Msg } from './lib/nodered';

export type ListContender = 'package-all' | 'package-pages' | 'sdk-default' | 'sdk-1000' | 'bare-loop';
export const LIST_CONTENDERS: ListContender[] = ['package-all', 'package-pages', 'sdk-default', 'sdk-1000', 'bare-loop'];

export interface ListConfig {
  fake: FakeInfo;
  conferenceSid: string;
  participants: number;
  contender: ListContender;
  /** Listed `warmups` times first, not measured: the code is warm, as in a running Node-RED. */
  warmupConferenceSid?: string;
  warmups?: number;
  /**
   * Measure live memory instead of time: a forced GC at each point where the listing holds the
   * most (every message out of the node, every page of the bare loop, the SDK's finished array)
   * and heapUsed right after it. It slows the listing, so it is a run of its own.
   */
  liveGc?: boolean;
}

export interface ListResult {
  contender: ListContender;
  participants: number;
  listed: number;
  messages: number;
  requests: number;
  ms: number;
  memory: MemoryPeak;
}

const API_ROOT = '/api/laml/2010-04-01';

/**
 * Resolves with [participants listed, messages] once the listing is complete; calls probe()
 * wherever the most is held (for live-heap runs).
 */
type Lister = (conferenceSid: string, probe?: () => void) => Promise<[number, number]>;

async function packageLister(cfg: ListConfig, mode: 'all' | 'pages'): Promise<{ list: Lister; stop: () => Promise<void> }> {
  const nr = await startNodeRed({
    ...onFakeSpace(cfg.fake, [
      { id: 'src', type: 'bench-source', wires: [['list']] },
      // Max items as large as the conference: its default (10,000) would stop the 100,000 case.
      { id: 'list', type: 'signalwire-list-participants', space: 'space', conferenceSid: 'conferenceSid', conferenceSidType: 'msg', mode, maxItems: cfg.participants, wires: [['sink']] },
      { id: 'sink', type: 'bench-sink', wires: [] },
      ...CATCH_FAILURES,
    ]),
  });
  const send = nr.source('src');
  const list: Lister = (conferenceSid, probe) =>
    new Promise((resolve, reject) => {
      let listed = 0;
      let messages = 0;
      benchHooks().onSink = (_id, msg: Msg, failed) => {
        if (failed) {
          reject(new Error(`list node failed: ${String((msg.error as Error)?.message)}`));
          return;
        }
        messages++;
        listed += (msg.payload as unknown[]).length;
        probe?.(); // the message (its page, or every participant in mode all) is still held
        const parts = msg.parts as { count?: number } | undefined;
        if (mode === 'all' || parts?.count !== undefined) resolve([listed, messages]);
      };
      send({ conferenceSid, payload: '' });
    });
  return { list, stop: () => nr.stop() };
}

function sdkLister(cfg: ListConfig, pageSize?: number): Lister {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { RestClient } = require('@signalwire/compatibility-api');
  const host = new URL(cfg.fake.url).host;
  const client = RestClient(cfg.fake.projectId, cfg.fake.apiToken, { signalwireSpaceUrl: host });
  client.api.baseUrl = `http://${host}`; // the SDK builds https://<space>; the fake speaks http
  return async (conferenceSid, probe) => {
    const all = (await client.conferences(conferenceSid).participants.list(pageSize ? { pageSize } : {})) as unknown[];
    probe?.();
    return [all.length, 1];
  };
}

function bareLister(cfg: ListConfig): Lister {
  const { url, projectId, apiToken } = cfg.fake;
  const bare = axios.create({
    baseURL: url,
    auth: { username: projectId, password: apiToken },
    httpAgent: new http.Agent({ keepAlive: true }),
    maxRedirects: 0,
  });
  return async (conferenceSid, probe) => {
    const all: unknown[] = [];
    let next: string | null = `${API_ROOT}/Accounts/${projectId}/Conferences/${conferenceSid}/Participants?PageSize=1000`;
    while (next) {
      const { data } = (await bare.get(next)) as { data: { participants: unknown[]; next_page_uri: string | null } };
      for (const p of data.participants) all.push(p);
      next = data.next_page_uri;
      probe?.();
    }
    return [all.length, 1];
  };
}

/** Live heap: what a full GC leaves. In liveGc runs the peaks are of these samples only. */
function liveSample(sampler: MemorySampler): void {
  forceGc();
  sampler.sample();
}

async function main(): Promise<ListResult> {
  const cfg = workerConfig<ListConfig>();
  let list: Lister;
  let stop = async () => {};
  switch (cfg.contender) {
    case 'package-all':
    case 'package-pages': {
      const p = await packageLister(cfg, cfg.contender === 'package-all' ? 'all' : 'pages');
      list = p.list;
      stop = p.stop;
      break;
    }
    case 'sdk-default':
      list = sdkLister(cfg);
      break;
    case 'sdk-1000':
      list = sdkLister(cfg, 1000);
      break;
    case 'bare-loop':
      list = bareLister(cfg);
      break;
  }
  if (cfg.warmupConferenceSid) for (let i = 0; i < (cfg.warmups ?? 1); i++) await list(cfg.warmupConferenceSid);
  await fake({ op: 'record', on: true });
  await fake({ op: 'reset' });
  const sampler = new MemorySampler(); // a full GC, then the idle level
  // Let the GC's concurrent sweeping finish, or the listing pays for it.
  await new Promise((r) => setTimeout(r, 100));
  if (!cfg.liveGc) sampler.start();
  const t0 = performance.now();
  const [listed, messages] = await list(cfg.conferenceSid, cfg.liveGc ? () => liveSample(sampler) : undefined);
  const ms = performance.now() - t0;
  const memory = sampler.stop();
  const stats = await fake<FakeStats>({ op: 'stats' });
  await fake({ op: 'record', on: false });
  await stop();
  if (listed !== cfg.participants) throw new Error(`${cfg.contender} listed ${listed} of ${cfg.participants} participants`);
  return { contender: cfg.contender, participants: cfg.participants, listed, messages, requests: stats.requests, ms, memory };
}

if (require.main === module) workerMain(main);
