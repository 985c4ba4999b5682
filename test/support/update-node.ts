// What the specs of the update nodes (participant, conference, recording) share: a fresh fake
// space per test (useSpace), the node under test deployed with retries fast enough that each write
// retry rule shows in milliseconds, the writes it made, reads through the API as the list and get
// nodes see the space, the lost answers a write may be retried after, and the one-message check.
import assert from 'node:assert/strict';
import type { Fault, RecordedRequest } from '../../simulator';
import { caughtError, collect, completions, credentials, flow, load, outcome, spaceNode, useSpace, type FlowNode, type Harness, type Msg } from './harness';

/** The space settings of an update node's tests: a short per-attempt deadline, quick retries. */
export const FAST_RETRIES = { timeout: 0.3, retries: 2, retryBaseMs: 10, maxRetryAfterMs: 50 };

/** The ways a write's answer gets lost, so that it may have been carried out: each retried by an idempotent write. */
export const LOST_ANSWERS: ReadonlyArray<{ name: string; fault: Fault }> = [
  { name: 'a timeout', fault: { kind: 'hang' } },
  { name: 'a dropped connection', fault: { kind: 'drop' } },
  { name: 'a 502', fault: { kind: 'status', status: 502 } },
  { name: 'a 503', fault: { kind: 'status', status: 503 } },
  { name: 'a 504', fault: { kind: 'status', status: 504 } },
];

export interface UpdateNodeSpec {
  /** The running test's space and conference. */
  h: Harness;
  /** Loads the node (its settings merged over `{ type }`) in a flow with the space; resolves to it. */
  deploy(node?: FlowNode, spaceExtra?: FlowNode): Promise<any>;
  /** The writes the node made: every request but the GETs (so none of the tests' own reads through api()). */
  writes(): RecordedRequest[];
  /** A GET through the API under the test's conference (`path` after its SID, e.g. `/Participants`). */
  api(path: string): Promise<{ status: number; body: any }>;
  /**
   * One node, two inputs, `good` then `bad`: exactly one output in all (for `good`), one error
   * (for `bad`), and each message ended once.
   */
  assertOneMessagePerInput(good: Msg, bad: Msg): Promise<void>;
}

/** Call in a `describe` of the node of `type` (its module as the harness loads it). */
export function updateNodeSpec(type: string, nodeModule: unknown): UpdateNodeSpec {
  const h = useSpace();
  const spec: UpdateNodeSpec = {
    h,
    deploy: (node = {}, spaceExtra = FAST_RETRIES) => load(flow({ type, ...node }, h.space, spaceExtra), credentials(h.space), [spaceNode, nodeModule]),
    writes: () => h.space.requests.filter((r) => r.method !== 'GET'),
    async api(path) {
      const res = await fetch(`${h.space.url}/api/laml/2010-04-01/Accounts/${h.space.projectId}/Conferences/${h.conferenceSid}${path}`, {
        headers: { Authorization: `Basic ${Buffer.from(`${h.space.projectId}:${h.space.apiToken}`).toString('base64')}` },
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : null };
    },
    async assertOneMessagePerInput(good, bad) {
      const n1 = await spec.deploy();
      const got = outcome();
      n1.receive(good);
      await got;
      const err = caughtError();
      n1.receive(bad);
      await err;
      assert.deepEqual(await collect('out', 100), [], 'no second output');
      assert.deepEqual(completions().map((c) => c.error === undefined), [true, false], 'each ended once: the first without an error, the second with it');
    },
  };
  return spec;
}
