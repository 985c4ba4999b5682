// What the specs of the update nodes (participant, conference, recording) share: a fresh fake
// space per test (useSpace), the node under test deployed with retries fast enough that each write
// retry rule shows in milliseconds, the writes it made, and reads through the API as the list and
// get nodes see the space.
import type { RecordedRequest } from '../../simulator';
import { credentials, flow, load, spaceNode, useSpace, type FlowNode, type Harness } from './harness';

/** The space settings of an update node's tests: a short per-attempt deadline, quick retries. */
export const FAST_RETRIES = { timeout: 0.3, retries: 2, retryBaseMs: 10, maxRetryAfterMs: 50 };

export interface UpdateNodeSpec {
  /** The running test's space and conference. */
  h: Harness;
  /** Loads the node (its settings merged over `{ type }`) in a flow with the space; resolves to it. */
  deploy(node?: FlowNode, spaceExtra?: FlowNode): Promise<any>;
  /** The requests the node made: every one but the GETs (the tests' own reads through api() among them). */
  writes(): RecordedRequest[];
  /** A GET through the API under the test's conference (`path` after its SID, e.g. `/Participants`). */
  api(path: string): Promise<{ status: number; body: any }>;
}

/** Call in a `describe` of the node of `type` (its module as the harness loads it). */
export function updateNodeSpec(type: string, nodeModule: unknown): UpdateNodeSpec {
  const h = useSpace();
  return {
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
  };
}
