import type { Node, NodeAPI, NodeStatus } from 'node-red';
import type { SignalWireError } from './errors';

export type Vars = Record<string, string | number>;
/** Looks up `<node type>.status.<key>` in the node's catalogue. */
export type Translate = (key: string, vars?: Vars) => string;

function interpolate(text: string, vars: Vars = {}): string {
  return text.replace(/__(\w+)__/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
}

/**
 * Status texts come from locales/<lang>/<type>.json. Where the runtime has no catalogue for
 * the node (the test helper's RED._ returns the key itself) the en-US file is read directly,
 * so there is one source for every text.
 */
export function statusTranslator(RED: NodeAPI, type: string): Translate {
  let english: Record<string, string> = {};
  // dist/nodes/locales when built, locales/ when the sources run under tsx.
  for (const dir of ['../locales', '../../locales']) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      english = (require(`${dir}/en-US/${type}.json`) as Record<string, { status: Record<string, string> }>)[type].status;
      break;
    } catch {
      english = {};
    }
  }
  const translate: Translate = (key, vars) => {
    const full = `${type}.status.${key}`;
    const text = RED._(full, vars);
    if (typeof text === 'string' && text !== full && text !== '') return text;
    const plural = vars && typeof vars.count === 'number' ? english[`${key}_${vars.count === 1 ? 'one' : 'other'}`] : undefined;
    return interpolate(plural ?? english[key] ?? key, vars);
  };
  // The runtime's language is fixed for its life, and an i18next lookup costs about a tenth of
  // a request: each text is looked up once (the map is bounded: counts vary).
  const memo = new Map<string, string>();
  return (key, vars) => {
    const id = vars ? `${key}|${JSON.stringify(vars)}` : key;
    let text = memo.get(id);
    if (text === undefined) {
      text = translate(key, vars);
      if (memo.size >= 500) memo.clear();
      memo.set(id, text);
    }
    return text;
  };
}

const STATUS_KEYS: Record<number, string> = { 401: 'unauthorized', 403: 'forbidden', 404: 'not-found', 429: 'rate-limited' };
const KIND_KEYS: Record<string, string> = { 'bad-input': 'invalid', config: 'config', timeout: 'timeout', unreachable: 'unreachable', connection: 'connection', 'bad-response': 'bad-response', 'queue-full': 'queue-full', aborted: 'aborted' };

/** At most this often does a busy node update its status; the latest one always shows. */
export const STATUS_INTERVAL_MS = 200;

/**
 * The node's short status. A node handling thousands of messages a second would otherwise
 * push two editor events per message: updates are coalesced to one per STATUS_INTERVAL_MS
 * (the first at once), identical ones are dropped, and the latest always lands.
 */
export class StatusReporter {
  private shown = '';
  private shownAt = 0;
  private pending: NodeStatus | null = null;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly node: Node, private readonly t: Translate) {}

  requesting(): void {
    this.set({ fill: 'blue', shape: 'dot', text: this.t('requesting') });
  }

  succeeded(text: string): void {
    this.set({ fill: 'green', shape: 'dot', text });
  }

  failed(error: SignalWireError): void {
    this.set({ fill: 'red', shape: 'ring', text: this.reason(error) });
  }

  /** On close: drop what is pending, stop the timer, clear the status. */
  close(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.pending = null;
    this.node.status({});
  }

  /** "401 unauthorized", "timeout", "HTTP 502"... */
  reason(error: SignalWireError): string {
    if (error.statusCode !== undefined) {
      const key = STATUS_KEYS[error.statusCode];
      return key ? this.t(key) : this.t('http', { status: error.statusCode });
    }
    return this.t(KIND_KEYS[error.kind] ?? 'error');
  }

  private set(status: NodeStatus): void {
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

  private flush(): void {
    const status = this.pending;
    this.pending = null;
    if (!status) return;
    const key = `${status.fill}|${status.shape}|${status.text}`;
    if (key === this.shown) return;
    this.shown = key;
    this.shownAt = Date.now();
    this.node.status(status);
  }
}
