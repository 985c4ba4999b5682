// The HTTP plumbing both fakes of the REST API stand on (the SignalWire space, FakeSpace, and the
// Twilio-shaped one, TwilioSpace): a real server on loopback with its start and close, the bounded
// body read, Basic auth, the request log and the queue of injected faults. Each fake adds only its
// routes, its data and the shape of its error answers.
import * as http from 'node:http';
import type { Socket } from 'node:net';
import { timingSafeEqual } from 'node:crypto';
import { htmlErrorPage } from './errors';

export type Fault =
  | { kind: 'status'; status: number; body?: 'json' | 'html' | 'empty' | string; retryAfter?: string } // json = the API's error body for that status
  | { kind: 'hang' } // accept the request, never answer (until close)
  | { kind: 'drop' } // destroy the socket without answering
  | { kind: 'redirect'; location: string; status?: number } // default 302
  | { kind: 'delay'; ms: number } // answer normally after ms
  | { kind: 'lost'; then: 'drop' | 'hang' }; // carry the request out, then drop the connection or never answer

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  authorized: boolean;
  at: number;
  /** The form-encoded body of a write (POST), as sent; set once the body has arrived. */
  form?: Record<string, string>;
  contentType?: string;
}

/** A request as a fake's routes see it: its body read (bounded) and its credentials checked. */
export interface ApiRequest {
  method: string;
  /** The request target as sent, query included. */
  rawUrl: string;
  path: string;
  query: URLSearchParams;
  /** The form-encoded body; empty when there is none. */
  form: URLSearchParams;
  /** Basic auth with the server's user and password. */
  authorized: boolean;
}

export interface LoopbackServerOptions {
  /** Basic auth: the user (project ID, Account SID) and password (API token, Auth Token). */
  user: string;
  password: string;
  host?: string;
  /** 0 (the default): any free port. */
  port?: number;
  latencyMs?: number;
}

/** Largest request body read; the rest is discarded. */
const MAX_REQUEST_BODY = 64 * 1024;

const JSON_TYPE = 'application/json';

/** Stands in for the response of a request whose answer is lost: everything written goes nowhere. */
const LOST_RESPONSE = { setHeader() {}, writeHead() {}, end() {}, headersSent: false, destroyed: false } as unknown as http.ServerResponse;

/** Writes a whole answer with its length. */
export function sendBody(res: http.ServerResponse, status: number, body: string, type: string): void {
  res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

/** An answer without a body (204, or a fault's `empty`). */
export function sendEmpty(res: http.ServerResponse, status: number): void {
  res.writeHead(status, { 'Content-Length': 0 });
  res.end();
}

export abstract class LoopbackServer {
  readonly host: string;
  readonly port: number;
  /** `http://host:port` once started. */
  url = '';
  /** Added to every answer's wait. */
  latencyMs: number;

  requests: RecordedRequest[] = [];
  recordRequests = true;
  /** When the log is full the oldest 10% are dropped at once (cheaper than shifting per request). */
  maxRecordedRequests = 100_000;

  inFlight = 0;
  maxInFlight = 0;
  /** TCP connections accepted since start/resetStats(): with keep-alive it stays low. */
  totalConnections = 0;

  private server: http.Server | null = null;
  private readonly sockets = new Set<Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private faults: Fault[] = [];
  private readonly user: string;
  private readonly password: string;
  private readonly expectedAuth: string;

  constructor(opts: LoopbackServerOptions) {
    this.user = opts.user;
    this.password = opts.password;
    this.host = opts.host ?? '127.0.0.1';
    this.port = opts.port ?? 0;
    this.latencyMs = opts.latencyMs ?? 0;
    this.expectedAuth = `Basic ${Buffer.from(`${this.user}:${this.password}`).toString('base64')}`;
  }

  /** Answers a request that no fault took. A throw answers the API's 500 (or ends the answer begun). */
  protected abstract serve(request: ApiRequest, res: http.ServerResponse): void;

  /** The API's own error answer for `status`: a `status` fault's `json` body and a bug's 500. */
  protected abstract sendStatusError(res: http.ServerResponse, status: number): void;

  // ---------------------------------------------------------------- lifecycle

  /** Listens (once: a second call answers the same URL) and resolves with the URL. */
  start(): Promise<string> {
    if (this.server) return Promise.resolve(this.url);
    const server = http.createServer((req, res) => this.onRequest(req, res));
    server.keepAliveTimeout = 5000;
    server.on('connection', (s: Socket) => {
      this.totalConnections++;
      this.sockets.add(s);
      s.once('close', () => this.sockets.delete(s));
    });
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, this.host, () => {
        server.off('error', reject);
        const addr = server.address();
        const port = typeof addr === 'object' && addr ? addr.port : this.port;
        const h = this.host.includes(':') ? `[${this.host}]` : this.host;
        this.url = `http://${h}:${port}`;
        resolve(this.url);
      });
    });
  }

  /** Ends hanging and waiting requests, destroys keep-alive sockets, closes the server. */
  close(): Promise<void> {
    const server = this.server;
    if (!server) return Promise.resolve();
    this.server = null;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    const done = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    server.closeAllConnections();
    return done;
  }

  get openConnections(): number {
    return this.sockets.size;
  }

  /** Resets maxInFlight, totalConnections and the request log. */
  resetStats(): void {
    this.maxInFlight = this.inFlight;
    this.totalConnections = 0;
    this.requests = [];
  }

  // ---------------------------------------------------------------- faults

  /** The next requests, one fault each in order, meet these faults instead of their answer. */
  injectFaults(...faults: Fault[]): void {
    this.faults.push(...faults);
  }

  clearFaults(): void {
    this.faults = [];
  }

  get pendingFaults(): number {
    return this.faults.length;
  }

  // ---------------------------------------------------------------- HTTP

  private readonly onResponseClosed = (): void => {
    this.inFlight--;
  };

  private onRequest(req: http.IncomingMessage, res: http.ServerResponse): void {
    this.inFlight++;
    if (this.inFlight > this.maxInFlight) this.maxInFlight = this.inFlight;
    res.once('close', this.onResponseClosed);
    // A write's body is read (bounded) before it is answered; any other body is discarded so
    // keep-alive sockets stay usable.
    const hasBody = (req.headers['content-length'] !== undefined && req.headers['content-length'] !== '0') || req.headers['transfer-encoding'] !== undefined;
    const chunks: Buffer[] = [];
    let bodyBytes = 0;
    if (hasBody) {
      req.on('data', (c: Buffer) => {
        if (bodyBytes < MAX_REQUEST_BODY) chunks.push(c);
        bodyBytes += c.length;
      });
    } else req.resume();

    const rawUrl = req.url ?? '/';
    const qi = rawUrl.indexOf('?');
    const path = qi < 0 ? rawUrl : rawUrl.slice(0, qi);
    const query = new URLSearchParams(qi < 0 ? '' : rawUrl.slice(qi + 1));
    const request: ApiRequest = { method: req.method ?? '', rawUrl, path, query, form: new URLSearchParams(), authorized: this.checkAuth(req.headers.authorization) };
    if (this.recordRequests) {
      if (this.requests.length >= this.maxRecordedRequests) {
        this.requests.splice(0, Math.max(1, Math.floor(this.maxRecordedRequests / 10)));
      }
      this.requests.push({ method: request.method, path, query: Object.fromEntries(query), authorized: request.authorized, at: Date.now() });
    }
    const recorded = this.recordRequests ? this.requests[this.requests.length - 1] : undefined;
    const readForm = (): void => {
      const type = req.headers['content-type'];
      const text = Buffer.concat(chunks).toString('utf8').slice(0, MAX_REQUEST_BODY);
      if (type !== undefined && /^application\/x-www-form-urlencoded\b/i.test(type)) request.form = new URLSearchParams(text);
      if (recorded && hasBody) {
        recorded.form = Object.fromEntries(request.form);
        recorded.contentType = type;
      }
    };

    const fault = this.faults.length ? this.faults.shift() : undefined;
    if (fault?.kind === 'hang') return; // answered never; close() destroys the socket
    const wait = this.latencyMs + (fault?.kind === 'delay' ? fault.ms : 0);
    const answer = (): void => {
      if (res.destroyed) return; // client gave up meanwhile
      if (fault?.kind === 'drop') req.socket.destroy();
      else if (fault?.kind === 'lost') {
        try {
          this.serve(request, LOST_RESPONSE);
        } catch {
          // carried out or not, the answer is lost either way
        }
        if (fault.then === 'drop') req.socket.destroy();
      } else if (fault?.kind === 'status') this.sendFault(res, fault);
      else if (fault?.kind === 'redirect') {
        res.writeHead(fault.status ?? 302, { Location: fault.location, 'Content-Length': 0 });
        res.end();
      } else {
        try {
          this.serve(request, res);
        } catch {
          // A bug here must not crash the test process that hosts the fake.
          if (!res.headersSent) this.sendStatusError(res, 500);
          else res.destroy();
        }
      }
    };
    const schedule = (): void => {
      readForm();
      if (wait <= 0) {
        answer();
        return;
      }
      const t = setTimeout(() => {
        this.timers.delete(t);
        answer();
      }, wait);
      this.timers.add(t);
    };
    if (!hasBody || req.readableEnded) schedule();
    else req.once('end', schedule);
  }

  private checkAuth(header: string | undefined): boolean {
    if (!header) return false;
    if (header === this.expectedAuth) return true; // fast path: the usual exact header
    const m = /^basic\s+(\S+)\s*$/i.exec(header);
    if (!m) return false;
    const got = Buffer.from(m[1], 'base64');
    const want = Buffer.from(`${this.user}:${this.password}`);
    return got.length === want.length && timingSafeEqual(got, want);
  }

  private sendFault(res: http.ServerResponse, f: Extract<Fault, { kind: 'status' }>): void {
    if (f.retryAfter !== undefined) res.setHeader('Retry-After', f.retryAfter);
    const body = f.body ?? 'json';
    if (body === 'json') return this.sendStatusError(res, f.status);
    if (body === 'html') return sendBody(res, f.status, htmlErrorPage(f.status), 'text/html');
    if (body === 'empty') return sendEmpty(res, f.status);
    // A raw string: labelled JSON when it looks like JSON, so truncated/malformed JSON can be simulated.
    const t = body.trimStart();
    sendBody(res, f.status, body, t.startsWith('{') || t.startsWith('[') ? JSON_TYPE : 'text/plain; charset=utf-8');
  }
}
