// Section 5c: what call details cost a refresh. A list participants node with callDetails on and
// one with it off (same space node) list a conference twice: the first listing with details
// looks up every participant's call (GET /Calls/{CallSid}), the second finds them all in the
// space's cache. Each run uses a new conference (new calls), so its first listing starts with
// none of them known. Requests are counted by the fake space, by kind.
import { performance } from 'node:perf_hooks';
import { fake, workerConfig, workerMain, type FakeInfo, type RequestCounts } from './lib/ipc';
import { benchHooks, CATCH_FAILURES, onFakeSpace, startNodeRed, type Msg } from './lib/nodered';

export interface DetailsConfig {
  fake: FakeInfo;
  participants: number;
  latencyMs: number;
  reps: number;
  /** Listings of a small conference by both nodes before measuring (JIT, sockets). */
  warmups: number;
}

export type DetailsVariant = 'details' | 'plain';

export interface DetailsListing {
  variant: DetailsVariant;
  rep: number;
  /** 1: first listing of the conference, 2: the refresh after it. */
  listing: 1 | 2;
  listRequests: number;
  callRequests: number;
  otherRequests: number;
  ms: number;
  /** CPU of the Node-RED process for the listing, ms. */
  cpuMs: number;
  listed: number;
  /** Participants whose `call` was filled in. */
  withCall: number;
}

async function main(): Promise<DetailsListing[]> {
  const cfg = workerConfig<DetailsConfig>();
  const nr = await startNodeRed({
    ...onFakeSpace(cfg.fake, [
      { id: 'src-details', type: 'bench-source', wires: [['list-details']] },
      { id: 'list-details', type: 'signalwire-list-participants', space: 'space', conferenceSid: 'conferenceSid', conferenceSidType: 'msg', mode: 'all', callDetails: true, wires: [['sink']] },
      { id: 'src-plain', type: 'bench-source', wires: [['list-plain']] },
      { id: 'list-plain', type: 'signalwire-list-participants', space: 'space', conferenceSid: 'conferenceSid', conferenceSidType: 'msg', mode: 'all', callDetails: false, wires: [['sink']] },
      { id: 'sink', type: 'bench-sink', wires: [] },
      ...CATCH_FAILURES,
    ]),
  });
  const sources: Record<DetailsVariant, (m: Msg) => void> = { details: nr.source('src-details'), plain: nr.source('src-plain') };

  const list = (variant: DetailsVariant, conferenceSid: string) =>
    new Promise<Msg>((resolve, reject) => {
      benchHooks().onSink = (_id, msg, failed) => {
        benchHooks().onSink = null;
        if (failed) reject(new Error(`list (${variant}) failed: ${String((msg.error as { message?: string })?.message)}`));
        else resolve(msg);
      };
      sources[variant]({ conferenceSid, payload: '' });
    });

  // Warm-up at 0 ms: new conferences each time, so the lookups are warmed too.
  await fake({ op: 'latency', ms: 0 });
  for (let i = 0; i < cfg.warmups; i++) {
    const w = await fake<{ sid: string }>({ op: 'conference', participants: 50 });
    for (const v of ['details', 'plain'] as DetailsVariant[]) {
      await list(v, w.sid);
      await list(v, w.sid);
    }
  }

  await fake({ op: 'latency', ms: cfg.latencyMs });
  await fake({ op: 'record', on: true });
  const out: DetailsListing[] = [];
  for (let rep = 0; rep < cfg.reps; rep++) {
    const order: DetailsVariant[] = rep % 2 === 0 ? ['details', 'plain'] : ['plain', 'details'];
    for (const variant of order) {
      const conf = await fake<{ sid: string }>({ op: 'conference', participants: cfg.participants });
      for (const listing of [1, 2] as const) {
        await fake({ op: 'reset' });
        const cpu0 = process.cpuUsage();
        const t0 = performance.now();
        const msg = await list(variant, conf.sid);
        const ms = performance.now() - t0;
        const cpu = process.cpuUsage(cpu0);
        const counts = await fake<RequestCounts>({ op: 'request-counts' });
        const payload = (Array.isArray(msg.payload) ? msg.payload : []) as Array<{ call?: unknown }>;
        out.push({
          variant,
          rep,
          listing,
          listRequests: counts.list,
          callRequests: counts.calls,
          otherRequests: counts.other,
          ms,
          cpuMs: (cpu.user + cpu.system) / 1000,
          listed: payload.length,
          withCall: payload.filter((p) => p.call !== undefined && p.call !== null).length,
        });
      }
    }
  }
  await fake({ op: 'record', on: false });
  await fake({ op: 'latency', ms: 0 });
  await nr.stop();
  return out;
}

if (require.main === module) workerMain(main);
