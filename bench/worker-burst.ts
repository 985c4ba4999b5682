// Section 3: a burst of messages into the list node all at once. Throughput, the most requests
// the fake space saw in flight (and the most the node's limiter ran), and heap before, during
// and after (after a GC): whatever the burst allocated must be gone afterwards.
import { performance } from 'node:perf_hooks';
import { fake, workerConfig, workerMain, type FakeInfo, type FakeStats } from './lib/ipc';
import { forceGc, MemorySampler } from './lib/memory';
import { benchHooks, CATCH_FAILURES, onFakeSpace, startNodeRed, type Msg } from './lib/nodered';

export interface BurstConfig {
  fake: FakeInfo;
  conferenceSid: string;
  messages: number;
  warmup: number;
  reps: number;
  latencyMs: number;
  maxInFlight: number;
}

export interface BurstRun {
  messages: number;
  failed: number;
  seconds: number;
  rate: number;
  requests: number;
  serverMaxInFlight: number;
  clientMaxInFlight: number;
  heapBefore: number;
  /** Right after the burst was handed to the node (all messages queued), after a GC. */
  heapQueued: number;
  heapPeak: number;
  heapAfter: number;
  /** Process warnings (e.g. MaxListenersExceededWarning) emitted so far in the worker. */
  warnings: string[];
}

async function main(): Promise<BurstRun[]> {
  const cfg = workerConfig<BurstConfig>();
  // A warning a user would see in their Node-RED log is part of the result (Node emits each
  // kind once per process, so these are all of the worker's, warm-up included).
  const warnings: string[] = [];
  process.on('warning', (w) => warnings.push(`${w.name}: ${w.message}`));
  // Max queued as large as the burst: its default (1,000) would refuse the rest of the burst.
  const nr = await startNodeRed({
    ...onFakeSpace(cfg.fake, [
      { id: 'src', type: 'bench-source', wires: [['list']] },
      { id: 'list', type: 'signalwire-list-participants', space: 'space', conferenceSid: 'conferenceSid', conferenceSidType: 'msg', mode: 'all', wires: [['sink']] },
      { id: 'sink', type: 'bench-sink', wires: [] },
      ...CATCH_FAILURES,
    ], { space: { maxInFlight: cfg.maxInFlight, maxQueue: cfg.messages } }),
  });
  const send = nr.source('src');
  const limiter = nr.RED.nodes.getNode('space').client.limiter as { running: number };

  const burst = (n: number, onTick?: () => void, onQueued?: () => void) =>
    new Promise<{ failed: number; seconds: number; clientMax: number }>((resolve) => {
      let done = 0;
      let failed = 0;
      let clientMax = 0;
      const tick = setInterval(() => {
        if (limiter.running > clientMax) clientMax = limiter.running;
        onTick?.();
      }, 2);
      const t0 = performance.now();
      benchHooks().onSink = (_id, msg: Msg, isFailure) => {
        if (isFailure || !Array.isArray(msg.payload)) failed++;
        if (++done === n) {
          clearInterval(tick);
          benchHooks().onSink = null;
          resolve({ failed, seconds: (performance.now() - t0) / 1000, clientMax });
        }
      };
      for (let i = 0; i < n; i++) send({ conferenceSid: cfg.conferenceSid, payload: '', burst: i });
      // The runtime delivers each message in its own setImmediate: this one runs after all of
      // them, when every message has reached the node and waits for its turn.
      if (onQueued) setImmediate(onQueued);
    });

  await fake({ op: 'latency', ms: cfg.latencyMs });
  await burst(cfg.warmup); // JIT, sockets: allocations that stay for good, not left by the burst
  await fake({ op: 'record', on: true });
  const runs: BurstRun[] = [];
  for (let r = 0; r < cfg.reps; r++) {
    await fake({ op: 'reset' });
    const sampler = new MemorySampler(); // forces a GC: heap before
    let heapQueued = NaN;
    const b = await burst(
      cfg.messages,
      () => sampler.sample(),
      () => {
        forceGc();
        heapQueued = process.memoryUsage().heapUsed;
      },
    );
    const peak = sampler.stop();
    // Let keep-alive timers and the last status updates settle, then collect.
    await new Promise((res) => setTimeout(res, 200));
    forceGc();
    const heapAfter = process.memoryUsage().heapUsed;
    const stats = await fake<FakeStats>({ op: 'stats' });
    runs.push({
      messages: cfg.messages,
      failed: b.failed,
      seconds: b.seconds,
      rate: cfg.messages / b.seconds,
      requests: stats.requests,
      serverMaxInFlight: stats.maxInFlight,
      clientMaxInFlight: b.clientMax,
      heapBefore: peak.baseHeap,
      heapQueued,
      heapPeak: peak.peakHeap,
      heapAfter,
      warnings: [...warnings],
    });
  }
  await fake({ op: 'record', on: false });
  await fake({ op: 'latency', ms: 0 });
  await nr.stop();
  return runs;
}

if (require.main === module) workerMain(main);
