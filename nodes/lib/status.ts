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
  return (key, vars) => {
    const full = `${type}.status.${key}`;
    const text = RED._(full, vars);
    if (typeof text === 'string' && text !== full && text !== '') return text;
    const plural = vars && typeof vars.count === 'number' ? english[`${key}_${vars.count === 1 ? 'one' : 'other'}`] : undefined;
    return interpolate(plural ?? english[key] ?? key, vars);
  };
}

const STATUS_KEYS: Record<number, string> = { 401: 'unauthorized', 403: 'forbidden', 404: 'not-found', 429: 'rate-limited' };
const KIND_KEYS: Record<string, string> = { 'bad-input': 'invalid', config: 'config', timeout: 'timeout', unreachable: 'unreachable', connection: 'connection', 'bad-response': 'bad-response', aborted: 'aborted' };

/**
 * The node's short status. Identical consecutive statuses are not re-sent: a busy node
 * would otherwise push two editor events per message.
 */
export class StatusReporter {
  private last = '';

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

  clear(): void {
    this.set({});
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
    const key = `${status.fill}|${status.shape}|${status.text}`;
    if (key === this.last) return;
    this.last = key;
    this.node.status(status);
  }
}
