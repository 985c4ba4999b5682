// A server that answers whatever a test tells it to, on loopback: the stand-in for a space
// that misbehaves on purpose (slow bodies, huge pages, echoed secrets, odd page URIs).
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

export interface SeenRequest {
  method: string;
  url: string;
  authorization: string;
  at: number;
}

export class HostileServer {
  readonly projectId = 'hostile-project';
  readonly apiToken = 'PThostile-secret-token-0123456789';
  readonly requests: SeenRequest[] = [];
  handle: Handler = (_req, res) => res.end('{}');
  url = '';
  private readonly server = http.createServer((req, res) => {
    this.requests.push({ method: req.method ?? '', url: req.url ?? '', authorization: req.headers.authorization ?? '', at: Date.now() });
    req.resume();
    this.handle(req, res);
  });
  private readonly sockets = new Set<Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();

  /** `projectId:token` in base64: what the Authorization header carries. */
  get basic(): string {
    return Buffer.from(`${this.projectId}:${this.apiToken}`).toString('base64');
  }

  /** The listing path of conference `sid` under the default API root. */
  participantsPath(sid: string): string {
    return `/api/laml/2010-04-01/Accounts/${this.projectId}/Conferences/${sid}/Participants`;
  }

  async start(): Promise<this> {
    this.server.on('connection', (s: Socket) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  get openSockets(): number {
    return this.sockets.size;
  }

  /** Sends JSON with a 200 (or `status`). */
  static json(res: http.ServerResponse, body: unknown, status = 200, headers: http.OutgoingHttpHeaders = {}): void {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), ...headers });
    res.end(text);
  }

  /** Headers at once, then one byte every `everyMs` for as long as the client listens. */
  dribble(res: http.ServerResponse, everyMs: number): void {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.write('{');
    const timer = setInterval(() => {
      if (res.destroyed) {
        clearInterval(timer);
        this.timers.delete(timer);
      } else res.write(' ');
    }, everyMs);
    this.timers.add(timer);
  }

  async close(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}

/** A participants page as the API sends it. */
export function participantsPage(path: string, items: unknown[], next: string | null, pageSize = 1000): Record<string, unknown> {
  return {
    uri: `${path}?PageSize=${pageSize}`,
    first_page_uri: `${path}?PageSize=${pageSize}&Page=0`,
    next_page_uri: next,
    previous_page_uri: null,
    page: 0,
    page_size: pageSize,
    participants: items,
  };
}
