import type { Node, NodeStatus } from 'node-red';
import type { SignalWireError } from './errors';
import { text, type Translate } from './texts';

/**
 * Status texts come from the runtime catalogue (see texts.ts). A busy node asks for the same
 * few texts thousands of times a second and an i18next lookup costs about a tenth of a
 * request, while the runtime's language is fixed for its life: each text is looked up once
 * (the map is bounded: counts vary).
 */
export function memoized(translate: Translate): Translate {
  const memo = new Map<string, string>();
  return (key, vars) => {
    const id = vars ? `${key}|${JSON.stringify(vars)}` : key;
    let found = memo.get(id);
    if (found === undefined) {
      found = translate(key, vars);
      if (memo.size >= 500) memo.clear();
      memo.set(id, found);
    }
    return found;
  };
}

// Whole keys, so that the catalogue test finds each one used.
const STATUS_KEYS: Record<number, string> = { 401: 'status.unauthorized', 403: 'status.forbidden', 404: 'status.not-found', 429: 'status.rate-limited' };
const KIND_KEYS: Record<string, string> = {
  'bad-input': 'status.invalid',
  config: 'status.config',
  http: 'status.error',
  timeout: 'status.timeout',
  unreachable: 'status.unreachable',
  connection: 'status.connection',
  'bad-response': 'status.bad-response',
  'queue-full': 'status.queue-full',
  aborted: 'status.aborted',
};

/** A failure in a few words for a status: "401 unauthorized", "timeout", "HTTP 502"... */
export function failureReason(t: Translate, error: SignalWireError): string {
  if (error.statusCode !== undefined) {
    const key = STATUS_KEYS[error.statusCode];
    return key ? t(key) : t('status.http', { status: error.statusCode });
  }
  return t(KIND_KEYS[error.kind] ?? 'status.error');
}

/** At most this often does a busy node update its status; the latest one always shows. */
export const STATUS_INTERVAL_MS = 200;

/**
 * A node's status, shown at most once per STATUS_INTERVAL_MS: a node handling thousands of
 * messages a second would otherwise push editor events for each. The first update shows at
 * once, identical ones are dropped, and the latest always lands; it is computed when shown.
 */
export class CoalescedStatus {
  private shown = '';
  private shownAt = 0;
  private pending: NodeStatus | (() => NodeStatus) | null = null;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly node: Node) {}

  /** `status`, or a function that makes it when it is shown (a busy node's text is made once per interval). */
  show(status: NodeStatus | (() => NodeStatus)): void {
    if (this.closed) return;
    this.pending = status;
    if (this.timer) return;
    const wait = this.shownAt + STATUS_INTERVAL_MS - Date.now();
    if (wait <= 0) {
      this.flush();
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, wait);
    this.timer.unref();
  }

  /** Drops what is pending and stops the timer; nothing shows afterwards. */
  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.pending = null;
  }

  private flush(): void {
    const pending = this.pending;
    const status = typeof pending === 'function' ? pending() : pending;
    this.pending = null;
    if (!status) return;
    const key = `${status.fill}|${status.shape}|${status.text}`;
    if (key === this.shown) return;
    this.shown = key;
    this.shownAt = Date.now();
    this.node.status(status);
  }
}

/** The status of a request node: requesting, the result, or a short reason for a failure. */
export class StatusReporter {
  private readonly display: CoalescedStatus;
  // Made once and reused: every message sets both (the display drops identical ones).
  private requestingStatus: NodeStatus | undefined;
  private succeededStatus: NodeStatus | undefined;

  constructor(private readonly node: Node, private readonly t: Translate) {
    this.display = new CoalescedStatus(node);
  }

  requesting(): void {
    this.display.show((this.requestingStatus ??= { fill: 'blue', shape: 'dot', text: this.t('status.requesting') }));
  }

  succeeded(text: string): void {
    if (this.succeededStatus?.text !== text) this.succeededStatus = { fill: 'green', shape: 'dot', text };
    this.display.show(this.succeededStatus);
  }

  failed(error: SignalWireError): void {
    this.display.show({ fill: 'red', shape: 'ring', text: this.reason(error) });
  }

  /** On close: drop what is pending, stop the timer, clear the status. */
  close(): void {
    this.display.close();
    this.node.status({});
  }

  reason(error: SignalWireError): string {
    return failureReason(this.t, error);
  }
}

const WARNING_INTERVAL_MS = 60_000;

/**
 * At most one warning per interval: the first at once; the ones in between are counted and the
 * next warning says how many there were.
 */
export class WarningLimiter {
  private lastAt = Number.NEGATIVE_INFINITY;
  private suppressed = 0;

  constructor(
    private readonly intervalMs = WARNING_INTERVAL_MS,
    private readonly now: () => number = () => Date.now(),
  ) {}

  /** Whether to log now, and how many warnings were held back since the last one logged. */
  take(): { log: false } | { log: true; suppressed: number } {
    const now = this.now();
    if (now - this.lastAt < this.intervalMs) {
      this.suppressed++;
      return { log: false };
    }
    this.lastAt = now;
    const suppressed = this.suppressed;
    this.suppressed = 0;
    return { log: true, suppressed };
  }

  /**
   * Logs `line` as the node's warning when one is due, saying how many were held back since;
   * the line is only written when it is logged, so a flood costs no texts.
   */
  warn(node: Node, line: () => string): void {
    const w = this.take();
    if (!w.log) return;
    node.warn(w.suppressed > 0 ? `${line()} ${text('log.suppressed', { count: w.suppressed })}` : line());
  }
}
