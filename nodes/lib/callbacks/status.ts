// What the conference events node shows: counts of events and refusals, and the reason of the
// last refusal (its warnings go through the shared WarningLimiter: at most one a minute).
import type { Node, NodeStatus } from 'node-red';
import { CoalescedStatus } from '../shared/status';
import type { Translate } from '../shared/texts';

/** Why a request was refused. */
export type Refusal = 'method' | 'type' | 'size' | 'body' | 'no-key' | 'no-project' | 'no-signature' | 'signature' | 'account';

/**
 * Each refusal: the HTTP status it answers with, its reason in the node's status and in the
 * warning log. Whole keys, so that the catalogue test finds each one used.
 */
export const REFUSALS: Record<Refusal, { http: number; status: string; log: string }> = {
  method: { http: 405, status: 'status.refused-method', log: 'log.reason-method' },
  type: { http: 415, status: 'status.refused-type', log: 'log.reason-type' },
  size: { http: 413, status: 'status.refused-size', log: 'log.reason-size' },
  body: { http: 400, status: 'status.refused-body', log: 'log.reason-body' },
  'no-key': { http: 403, status: 'status.refused-no-key', log: 'log.reason-no-key' },
  'no-project': { http: 403, status: 'status.refused-no-project', log: 'log.reason-no-project' },
  'no-signature': { http: 403, status: 'status.refused-no-signature', log: 'log.reason-no-signature' },
  signature: { http: 403, status: 'status.refused-signature', log: 'log.reason-signature' },
  account: { http: 403, status: 'status.refused-account', log: 'log.reason-account' },
};

/** How the node checks callbacks, which sets the colour of its status. */
export type CheckMode = 'verified' | 'unverified' | 'no-key' | 'no-project';

/**
 * The node's status: "listening", then "12 events" and, once something was refused,
 * "12 events, 3 refused (bad signature)". Green while checking signatures (a red ring while
 * everything so far was refused), a yellow ring with signature checking off, a red ring when
 * checking cannot work (no Signing Key or Project ID: every callback is refused). Updates are
 * coalesced to one per STATUS_INTERVAL_MS, the latest always shown.
 */
export class CallbackStatus {
  events = 0;
  refused = 0;
  last: Refusal | undefined;
  private readonly display: CoalescedStatus;

  constructor(
    node: Node,
    private readonly t: Translate,
    private readonly mode: CheckMode,
  ) {
    this.display = new CoalescedStatus(node);
    this.update();
  }

  accepted(): void {
    this.events++;
    this.update();
  }

  refusedFor(reason: Refusal): void {
    this.refused++;
    this.last = reason;
    this.update();
  }

  /** The status as it stands now. */
  current(): NodeStatus {
    const t = this.t;
    const parts: string[] = [];
    if (this.mode === 'no-key') parts.push(t('status.no-signing-key'));
    else if (this.mode === 'no-project') parts.push(t('status.no-project'));
    else parts.push(this.events === 0 && this.refused === 0 ? t('status.listening') : t('status.events', { count: this.events }));
    if (this.mode === 'unverified') parts.push(t('status.unverified'));
    if (this.refused > 0) parts.push(t('status.refused', { count: this.refused, reason: t(REFUSALS[this.last!].status) }));
    const text = parts.join(', ');
    if (this.mode === 'no-key' || this.mode === 'no-project') return { fill: 'red', shape: 'ring', text };
    if (this.mode === 'unverified') return { fill: 'yellow', shape: 'ring', text };
    if (this.refused > 0 && this.events === 0) return { fill: 'red', shape: 'ring', text };
    return { fill: 'green', shape: 'dot', text };
  }

  close(): void {
    this.display.close();
  }

  /** Made when the display shows it: at most once per interval, however many callbacks came. */
  private readonly made = (): NodeStatus => this.current();

  private update(): void {
    this.display.show(this.made);
  }
}
