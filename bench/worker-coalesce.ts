// Section 5b: a burst of participant-join callbacks of one conference into the events node, its
// output 2 wired to a list participants node (mode all): how many list requests reach the fake
// space with coalescing on (coalesce 1000 ms) and off (0). One case per process. The callbacks
// are signed over the URL they are POSTed to (no publicUrl), sent by the fake space's process,
// either as fast as the node answers (10 at a time) or paced (open loop, N per second).
import { performance } from 'node:perf_hooks';
import type { PostResult } from './lib/callbacks';
import { fake, workerConfig, workerMain, type FakeInfo, type RequestCounts } from './lib/ipc';
import { benchHooks, CATCH_FAILURES, onFakeSpace, startNodeRed, type Msg } from './lib/nodered';

export interface CoalesceConfig {
  fake: FakeInfo;
  signingKey: string;
  /** Join callbacks, one per participant of a new conference of that size. */
  callbacks: number;
  coalesceMs: number;
  /** Closed loop: POSTs outstanding at once (when not paced). */
  concurrency: number;
  /** Paced instead: callbacks per second (open loop). */
  ratePerSec?: number;
}

export interface CoalesceResult {
  coalesceMs: number;
  ratePerSec: number | null;
  callbacks: number;
  answered204: number;
  /** Seconds from the first POST to the last answer. */
  sendSeconds: number;
  output1: number;
  output2: number;
  /** Sum of msg.coalesced over output 2: every accepted callback is accounted for once. */
  coalescedSum: number;
  listRequests: number;
  otherRequests: number;
  listings: number;
  failed: number;
  firstError?: string;
  /** From the first POST to the last listing out of the list node, ms. */
  wallMs: number;
  /** The last output-2 message carries the last callback the node accepted. */
  lastStateDelivered: boolean;
  participantsInLastListing: number;
}

const PATH = '/signalwire/conference-events';

async function main(): Promise<CoalesceResult> {
  const cfg = workerConfig<CoalesceConfig>();
  const nr = await startNodeRed({
    ...onFakeSpace(cfg.fake, [
      { id: 'events', type: 'signalwire-conference-events', space: 'space', url: PATH, publicUrl: '', verify: true, events: [], coalesce: cfg.coalesceMs, wires: [['o1'], ['list', 'o2']] },
      { id: 'o1', type: 'bench-sink', wires: [] },
      { id: 'o2', type: 'bench-sink', wires: [] },
      { id: 'list', type: 'signalwire-list-participants', space: 'space', conferenceSid: 'conferenceSid', conferenceSidType: 'msg', mode: 'all', callDetails: false, wires: [['listed']] },
      { id: 'listed', type: 'bench-sink', wires: [] },
      { id: 'src', type: 'bench-source', wires: [[]] },
      ...CATCH_FAILURES,
    ], { credentials: { signingKey: cfg.signingKey } }),
    listen: true,
  });
  const target = `${nr.url}${PATH}`;
  const prepared = await fake<{ batch: number; conferenceSid: string }>({ op: 'prepare-callbacks', n: cfg.callbacks, signingKey: cfg.signingKey, signedUrls: [target] });

  let output1 = 0;
  let output2 = 0;
  let coalescedSum = 0;
  let listings = 0;
  let failed = 0;
  let firstError: string | undefined;
  let lastAccepted: string | undefined;
  let lastOut2: string | undefined;
  let lastOut2At = 0;
  let lastListingAt = 0;
  let participantsInLastListing = 0;
  benchHooks().onSink = (id, msg: Msg, isFailure) => {
    if (isFailure) {
      failed++;
      firstError ??= String((msg.error as { message?: string })?.message ?? 'error');
      return;
    }
    if (id === 'o1') {
      output1++;
      lastAccepted = msg.callSid as string;
    } else if (id === 'o2') {
      output2++;
      coalescedSum += Number(msg.coalesced ?? 1);
      lastOut2 = (msg.payload as { callSid?: string })?.callSid;
      lastOut2At = performance.now();
    } else if (id === 'listed') {
      listings++;
      lastListingAt = performance.now();
      participantsInLastListing = Array.isArray(msg.payload) ? msg.payload.length : -1;
    }
  };

  await fake({ op: 'latency', ms: 0 });
  await fake({ op: 'record', on: true });
  await fake({ op: 'reset' });
  const t0 = performance.now();
  const posted = await fake<PostResult>({
    op: 'post-callbacks',
    batch: prepared.batch,
    from: 0,
    count: cfg.callbacks,
    target,
    signedUrl: target,
    concurrency: cfg.concurrency,
    ratePerSec: cfg.ratePerSec,
  });
  // Settled: the coalescing window after the last callback has ended, and every message of
  // output 2 has been listed (or failed).
  const deadline = performance.now() + 120_000;
  for (;;) {
    const now = performance.now();
    const quiet = now - Math.max(lastOut2At, t0 + posted.seconds * 1000) > cfg.coalesceMs + 300;
    if (quiet && listings + failed >= output2) break;
    if (now > deadline) {
      firstError ??= `not settled: ${listings} listings of ${output2} output-2 messages`;
      break;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  benchHooks().onSink = null;
  const counts = await fake<RequestCounts>({ op: 'request-counts' });
  await fake({ op: 'record', on: false });
  await fake({ op: 'drop-callbacks', batch: prepared.batch });
  await nr.stop();
  return {
    coalesceMs: cfg.coalesceMs,
    ratePerSec: cfg.ratePerSec ?? null,
    callbacks: cfg.callbacks,
    answered204: posted.statuses['204'] ?? 0,
    sendSeconds: posted.seconds,
    output1,
    output2,
    coalescedSum,
    listRequests: counts.list,
    otherRequests: counts.calls + counts.other,
    listings,
    failed,
    firstError: firstError ?? posted.firstError,
    wallMs: Math.max(lastListingAt, lastOut2At) - t0,
    lastStateDelivered: lastAccepted !== undefined && lastOut2 === lastAccepted,
    participantsInLastListing,
  };
}

if (require.main === module) workerMain(main);
