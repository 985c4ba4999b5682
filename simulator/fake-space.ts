// A fake SignalWire space: a real HTTP server on loopback that answers the Compatibility (LaML)
// API's conference participant endpoints and `GET /Calls/{Sid}`, with fault injection for client tests.
import * as http from 'node:http';
import type { Socket } from 'node:net';
import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { CallFields, callObject, CallRecord, FakeCall, makeCallRecord } from './calls';
import { apiError, htmlErrorPage } from './errors';
import { ConferenceState, Cursor, FakeParticipant, makeParticipant, PageFilter, PARTICIPANT_KEYS } from './participants';
import { rfc2822 } from './rfc2822';

export type { FakeParticipant } from './participants';
export type { CallFields, FakeCall } from './calls';

export type Fault =
  | { kind: 'status'; status: number; body?: 'json' | 'html' | 'empty' | string; retryAfter?: string } // json = the API error body for that status
  | { kind: 'hang' } // accept the request, never answer (until close)
  | { kind: 'drop' } // destroy the socket without answering
  | { kind: 'redirect'; location: string; status?: number } // default 302
  | { kind: 'delay'; ms: number }; // answer normally after ms

export interface FakeSpaceOptions {
  projectId?: string;
  apiToken?: string;
  host?: string;
  port?: number;
  latencyMs?: number;
  voiceScope?: boolean;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  authorized: boolean;
  at: number;
}

export type PagingQuirk = null | 'repeat-next' | { nextPageUri: string };

// Both path forms the service answers: the documented one and the official JS SDK's.
const BASES = ['/api/laml/2010-04-01/', '/2010-04-01/'];

const JSON_TYPE = 'application/json'; // JSON is UTF-8 by definition (RFC 8259), no charset needed

interface Route {
  accountSid: string;
  conferenceSid: string;
  callSid: string | null;
}

/** Parses a participants path; null when it is not one. Segments are percent-decoded. */
export function parseRoute(pathname: string): Route | null {
  let rest: string | undefined;
  for (const b of BASES) {
    if (pathname.startsWith(b)) {
      rest = pathname.slice(b.length);
      break;
    }
  }
  if (rest === undefined) return null;
  if (rest.endsWith('.json')) rest = rest.slice(0, -5);
  const seg = rest.split('/');
  if (seg.length !== 5 && seg.length !== 6) return null;
  if (seg[0] !== 'Accounts' || seg[2] !== 'Conferences' || seg[4] !== 'Participants') return null;
  try {
    const accountSid = decodeURIComponent(seg[1]);
    const conferenceSid = decodeURIComponent(seg[3]);
    const callSid = seg.length === 6 ? decodeURIComponent(seg[5]) : null;
    if (!accountSid || !conferenceSid || callSid === '') return null;
    return { accountSid, conferenceSid, callSid };
  } catch {
    return null; // malformed percent-encoding
  }
}

/** AccountSid and call SID of a `.../Accounts/{sid}/Calls/{sid}[.json]` path; null when it is not one. */
export function parseCallRoute(pathname: string): { accountSid: string; callSid: string } | null {
  for (const b of BASES) {
    if (!pathname.startsWith(b)) continue;
    const m = /^Accounts\/([^/]+)\/Calls\/([^/]+?)(?:\.json)?$/.exec(pathname.slice(b.length));
    if (!m) return null;
    try {
      return { accountSid: decodeURIComponent(m[1]), callSid: decodeURIComponent(m[2]) };
    } catch {
      return null; // malformed percent-encoding
    }
  }
  return null;
}

/** The AccountSid of a `.../Accounts/{sid}/Conferences` path; null when it is not one. */
export function parseConferencesRoute(pathname: string): string | null {
  for (const b of BASES) {
    if (!pathname.startsWith(b)) continue;
    const m = /^Accounts\/([^/]+)\/Conferences(?:\.json)?$/.exec(pathname.slice(b.length));
    return m ? decodeURIComponent(m[1]) : null;
  }
  return null;
}

class BadRequest extends Error {}

interface ListQuery {
  filter: PageFilter;
  filterQs: string; // "&Muted=..&Hold=.." appended to every paging URI
  page: number;
  pageSize: number;
  cursor: Cursor | null;
}

function parseListQuery(q: URLSearchParams): ListQuery {
  const filter: PageFilter = {};
  let filterQs = '';
  for (const name of ['Muted', 'Hold'] as const) {
    const v = q.get(name);
    if (v === null) continue;
    if (v !== 'true' && v !== 'false') throw new BadRequest(`Invalid ${name}: must be true or false`);
    filter[name === 'Muted' ? 'muted' : 'hold'] = v === 'true';
    filterQs += `&${name}=${v}`;
  }
  const ps = q.get('PageSize');
  let pageSize = 50;
  if (ps !== null) {
    pageSize = /^\d{1,7}$/.test(ps) ? Number(ps) : NaN;
    if (!(pageSize >= 1 && pageSize <= 1000)) throw new BadRequest('Invalid PageSize: must be an integer between 1 and 1000');
  }
  const pg = q.get('Page');
  let page = 0;
  if (pg !== null) {
    if (!/^\d{1,9}$/.test(pg)) throw new BadRequest('Invalid Page: must be an integer >= 0');
    page = Number(pg);
  }
  const tok = q.get('PageToken');
  let cursor: Cursor | null = null;
  if (tok !== null) {
    const m = /^P([AB])(\d{1,15})$/.exec(tok);
    if (!m) throw new BadRequest('Invalid PageToken: must start with PA or PB');
    cursor = { dir: m[1] as 'A' | 'B', seq: Number(m[2]) };
  }
  // Twilio-compatible services refuse deep Page numbers without the cursor.
  if (page > 0 && !cursor) throw new BadRequest('Page > 0 requires the PageToken from next_page_uri');
  return { filter, filterQs, page, pageSize, cursor };
}

export class FakeSpace {
  readonly projectId: string;
  readonly apiToken: string;
  readonly host: string;
  readonly port: number;
  url = '';
  latencyMs: number;
  voiceScope: boolean;
  pagingQuirk: PagingQuirk = null;

  requests: RecordedRequest[] = [];
  recordRequests = true;
  /** When the log is full the oldest 10% are dropped at once (cheaper than shifting per request). */
  maxRecordedRequests = 100_000;
  /** Calls that have ended stay retrievable (as the API keeps them); the oldest beyond this are forgotten. */
  maxEndedCalls = 10_000;

  inFlight = 0;
  maxInFlight = 0;
  /** TCP connections accepted since start/resetStats(): with keep-alive it stays low. */
  totalConnections = 0;

  private server: http.Server | null = null;
  private readonly sockets = new Set<Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly confs = new Map<string, ConferenceState>();
  private readonly activeCalls = new Map<string, CallRecord>();
  private readonly endedCalls = new Map<string, CallRecord>();
  private callSeq = 0;
  private faults: Fault[] = [];
  private readonly expectedAuth: string;

  constructor(opts: FakeSpaceOptions = {}) {
    this.projectId = opts.projectId ?? randomUUID();
    this.apiToken = opts.apiToken ?? `PT${randomBytes(24).toString('hex')}`;
    this.host = opts.host ?? '127.0.0.1';
    this.port = opts.port ?? 0;
    this.latencyMs = opts.latencyMs ?? 0;
    this.voiceScope = opts.voiceScope ?? true;
    this.expectedAuth = `Basic ${Buffer.from(`${this.projectId}:${this.apiToken}`).toString('base64')}`;
  }

  // ---------------------------------------------------------------- lifecycle

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

  injectFaults(...faults: Fault[]): void {
    this.faults.push(...faults);
  }

  clearFaults(): void {
    this.faults = [];
  }

  get pendingFaults(): number {
    return this.faults.length;
  }

  // ---------------------------------------------------------------- state

  addConference(sid: string = randomUUID()): string {
    if (this.confs.has(sid)) throw new Error(`conference ${sid} already exists`);
    this.confs.set(sid, new ConferenceState(sid));
    return sid;
  }

  /** The conference is gone: its list and participants answer 404. */
  removeConference(sid: string): void {
    const c = this.confs.get(sid);
    if (!c) return;
    const now = rfc2822();
    for (const p of c.all()) this.endCall(p.call_sid, now);
    this.confs.delete(sid);
  }

  conferences(): string[] {
    return [...this.confs.keys()];
  }

  /**
   * A participant and its call (`GET /Calls/{call_sid}`): an inbound call from a caller number
   * unless `call` says otherwise. A call of that SID that is still in progress is kept.
   */
  addParticipant(conferenceSid: string, fields: Partial<FakeParticipant> = {}, call: Partial<CallFields> = {}): FakeParticipant {
    const c = this.conf(conferenceSid);
    const p = makeParticipant(this.projectId, conferenceSid, fields);
    c.add(p);
    if (!this.activeCalls.has(p.call_sid) || Object.keys(call).length > 0) {
      this.putCall(makeCallRecord(this.projectId, p.call_sid, { startTime: p.date_created, ...call }, this.callSeq++));
    }
    return { ...p };
  }

  addParticipants(conferenceSid: string, n: number): void {
    const c = this.conf(conferenceSid);
    const now = rfc2822();
    for (let i = 0; i < n; i++) {
      const p = makeParticipant(this.projectId, conferenceSid, {}, now);
      c.add(p);
      this.activeCalls.set(p.call_sid, makeCallRecord(this.projectId, p.call_sid, {}, this.callSeq++, now));
    }
  }

  updateParticipant(conferenceSid: string, callSid: string, patch: Partial<FakeParticipant>): FakeParticipant {
    const p = this.conf(conferenceSid).get(callSid);
    if (!p) throw new Error(`participant ${callSid} is not in conference ${conferenceSid}`);
    // The store indexes by these; changing them would corrupt it.
    if ((patch.call_sid ?? callSid) !== callSid || (patch.conference_sid ?? conferenceSid) !== conferenceSid) {
      throw new Error('call_sid and conference_sid cannot be changed');
    }
    // Assigning only known keys keeps the object's exact field set and order.
    const target = p as unknown as Record<string, unknown>;
    const src = patch as Record<string, unknown>;
    for (const k of PARTICIPANT_KEYS) if (src[k] !== undefined) target[k] = src[k];
    p.date_updated = patch.date_updated ?? rfc2822();
    return { ...p };
  }

  /** The participant leaves: its call ends (status completed) and stays retrievable. */
  removeParticipant(conferenceSid: string, callSid: string): void {
    if (!this.conf(conferenceSid).remove(callSid)) {
      throw new Error(`participant ${callSid} is not in conference ${conferenceSid}`);
    }
    this.endCall(callSid);
  }

  participants(conferenceSid: string): FakeParticipant[] {
    return this.conf(conferenceSid).all().map((p) => ({ ...p }));
  }

  participant(conferenceSid: string, callSid: string): FakeParticipant | undefined {
    const p = this.conf(conferenceSid).get(callSid);
    return p && { ...p };
  }

  participantCount(conferenceSid: string): number {
    return this.conf(conferenceSid).size;
  }

  // ---------------------------------------------------------------- calls

  /** The call object `GET /Calls/{callSid}` answers, or undefined when it answers 404. */
  call(callSid: string): FakeCall | undefined {
    const r = this.activeCalls.get(callSid) ?? this.endedCalls.get(callSid);
    return r && callObject(r);
  }

  /** A call of its own (in no conference); `sid` random unless given. */
  addCall(fields: Partial<CallFields> & { sid?: string } = {}): FakeCall {
    const { sid = randomUUID(), ...rest } = fields;
    const r = makeCallRecord(this.projectId, sid, rest, this.callSeq++);
    this.putCall(r);
    return callObject(r);
  }

  /** Forgets a call: `GET /Calls/{callSid}` answers 404 from now on (its participant stays). */
  removeCall(callSid: string): boolean {
    return this.activeCalls.delete(callSid) || this.endedCalls.delete(callSid);
  }

  private putCall(r: CallRecord): void {
    this.endedCalls.delete(r.sid);
    this.activeCalls.set(r.sid, r);
  }

  /** Ends a call in progress: completed, with end_time and duration; kept among the ended calls. */
  private endCall(callSid: string, now: string = rfc2822()): void {
    const r = this.activeCalls.get(callSid);
    if (!r) return;
    this.activeCalls.delete(callSid);
    r.status = 'completed';
    r.endTime = now;
    r.endMs = Date.parse(now);
    r.dateUpdated = now;
    this.endedCalls.set(callSid, r);
    if (this.endedCalls.size > this.maxEndedCalls) {
      const oldest = this.endedCalls.keys().next().value;
      if (oldest !== undefined) this.endedCalls.delete(oldest);
    }
  }

  private conf(sid: string): ConferenceState {
    const c = this.confs.get(sid);
    if (!c) throw new Error(`unknown conference ${sid}`);
    return c;
  }

  // ---------------------------------------------------------------- HTTP

  private readonly onResponseClosed = (): void => {
    this.inFlight--;
  };

  private onRequest(req: http.IncomingMessage, res: http.ServerResponse): void {
    this.inFlight++;
    if (this.inFlight > this.maxInFlight) this.maxInFlight = this.inFlight;
    res.once('close', this.onResponseClosed);
    req.resume(); // discard any body so keep-alive sockets stay usable

    const rawUrl = req.url ?? '/';
    const qi = rawUrl.indexOf('?');
    const pathname = qi < 0 ? rawUrl : rawUrl.slice(0, qi);
    const query = new URLSearchParams(qi < 0 ? '' : rawUrl.slice(qi + 1));
    const authorized = this.checkAuth(req.headers.authorization);
    if (this.recordRequests) {
      if (this.requests.length >= this.maxRecordedRequests) {
        this.requests.splice(0, Math.max(1, Math.floor(this.maxRecordedRequests / 10)));
      }
      this.requests.push({ method: req.method ?? '', path: pathname, query: Object.fromEntries(query), authorized, at: Date.now() });
    }

    const fault = this.faults.length ? this.faults.shift() : undefined;
    if (fault?.kind === 'hang') return; // answered never; close() destroys the socket
    const wait = this.latencyMs + (fault?.kind === 'delay' ? fault.ms : 0);
    const answer = (): void => {
      if (res.destroyed) return; // client gave up meanwhile
      if (fault?.kind === 'drop') req.socket.destroy();
      else if (fault?.kind === 'status') this.sendFault(res, fault);
      else if (fault?.kind === 'redirect') {
        res.writeHead(fault.status ?? 302, { Location: fault.location, 'Content-Length': 0 });
        res.end();
      } else {
        try {
          this.serve(req, res, rawUrl, pathname, query, authorized);
        } catch {
          // A bug here must not crash the test process that hosts the fake.
          if (!res.headersSent) this.sendError(res, 500, 20500, 'Internal Server Error');
          else res.destroy();
        }
      }
    };
    if (wait <= 0) {
      answer();
      return;
    }
    const t = setTimeout(() => {
      this.timers.delete(t);
      answer();
    }, wait);
    this.timers.add(t);
  }

  private checkAuth(header: string | undefined): boolean {
    if (!header) return false;
    if (header === this.expectedAuth) return true; // fast path: the usual exact header
    const m = /^basic\s+(\S+)\s*$/i.exec(header);
    if (!m) return false;
    const got = Buffer.from(m[1], 'base64');
    const want = Buffer.from(`${this.projectId}:${this.apiToken}`);
    return got.length === want.length && timingSafeEqual(got, want);
  }

  private serve(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    rawUrl: string,
    pathname: string,
    query: URLSearchParams,
    authorized: boolean,
  ): void {
    // Authentication comes first, for every path, as at an API gateway.
    if (!authorized) return this.sendError(res, 401, 20003, 'Authentication failed');
    if (!this.voiceScope) return this.sendError(res, 403, 20003, 'Forbidden: the API token lacks the Voice scope');
    const callRoute = parseCallRoute(pathname);
    if (callRoute) {
      if (req.method !== 'GET') {
        res.setHeader('Allow', 'GET');
        return this.sendError(res, 405, 20004, `Method ${req.method} not allowed`);
      }
      if (callRoute.accountSid !== this.projectId) return this.sendError(res, 401, 20003, 'Authentication failed');
      const call = this.call(callRoute.callSid);
      if (!call) return this.notFound(res, pathname);
      return this.send(res, 200, JSON.stringify(call));
    }
    const conferencesOf = parseConferencesRoute(pathname);
    if (conferencesOf !== null && req.method === 'GET') {
      if (conferencesOf !== this.projectId) return this.sendError(res, 401, 20003, 'Authentication failed');
      return this.send(res, 200, this.conferencesBody(rawUrl, pathname, query));
    }
    const route = parseRoute(pathname);
    if (!route) return this.notFound(res, pathname);
    if (req.method !== 'GET') {
      res.setHeader('Allow', 'GET');
      return this.sendError(res, 405, 20004, `Method ${req.method} not allowed`);
    }
    // Credentials are the project's; another AccountSid is treated as failed authentication (401).
    if (route.accountSid !== this.projectId) return this.sendError(res, 401, 20003, 'Authentication failed');

    if (route.callSid !== null) {
      const p = this.confs.get(route.conferenceSid)?.get(route.callSid);
      if (!p) return this.notFound(res, pathname);
      return this.send(res, 200, JSON.stringify(p));
    }

    let q: ListQuery;
    try {
      q = parseListQuery(query);
    } catch (err) {
      if (err instanceof BadRequest) return this.sendError(res, 400, 20001, err.message);
      throw err; // answered 500 by the caller
    }
    const conf = this.confs.get(route.conferenceSid);
    if (!conf) return this.notFound(res, pathname);
    this.send(res, 200, this.listBody(conf, rawUrl, pathname, q));
  }

  private listBody(conf: ConferenceState, rawUrl: string, pathname: string, q: ListQuery): string {
    const r = conf.page(q.filter, q.pageSize, q.cursor);
    // Paging URIs reuse the request's own path so the client stays on the base form it used.
    const pageUri = (page: number, token: string): string =>
      `${pathname}?Page=${page}&PageSize=${q.pageSize}&PageToken=${token}${q.filterQs}`;
    let next = r.nextSeq === null ? null : pageUri(q.page + 1, `PA${r.nextSeq}`);
    const quirk = this.pagingQuirk;
    if (quirk === 'repeat-next') {
      const first = q.cursor === null ? r : conf.page(q.filter, q.pageSize, null);
      next = first.nextSeq === null ? null : pageUri(1, `PA${first.nextSeq}`);
    } else if (quirk && next !== null) {
      next = quirk.nextPageUri;
    }
    // Exactly these keys: the official SDK fails on any other top-level key.
    return JSON.stringify({
      uri: rawUrl,
      first_page_uri: `${pathname}?PageSize=${q.pageSize}${q.filterQs}`,
      next_page_uri: next,
      previous_page_uri: q.page > 0 ? pageUri(q.page - 1, `PB${r.prevSeq}`) : null,
      page: q.page,
      page_size: q.pageSize,
      participants: r.items,
    });
  }

  /** `GET .../Conferences`: one page of the account's conferences (what "Test connection" asks). */
  private conferencesBody(rawUrl: string, pathname: string, query: URLSearchParams): string {
    const size = Math.min(1000, Math.max(1, Number(query.get('PageSize')) || 50));
    const sids = [...this.confs.keys()].slice(0, size);
    return JSON.stringify({
      uri: rawUrl,
      first_page_uri: `${pathname}?PageSize=${size}`,
      next_page_uri: null,
      previous_page_uri: null,
      page: 0,
      page_size: size,
      conferences: sids.map((sid) => ({
        account_sid: this.projectId,
        sid,
        friendly_name: sid,
        status: 'in-progress',
        uri: `${pathname.replace(/\.json$/, '')}/${sid}.json`,
      })),
    });
  }

  private notFound(res: http.ServerResponse, pathname: string): void {
    this.sendError(res, 404, 20404, `The requested resource ${pathname} was not found`);
  }

  private sendError(res: http.ServerResponse, status: number, code: number, message: string): void {
    if (status === 401) res.setHeader('WWW-Authenticate', 'Basic realm="SignalWire API"');
    this.send(res, status, JSON.stringify(apiError(status, code, message)));
  }

  private send(res: http.ServerResponse, status: number, body: string, type: string = JSON_TYPE): void {
    res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
  }

  private sendFault(res: http.ServerResponse, f: Extract<Fault, { kind: 'status' }>): void {
    if (f.retryAfter !== undefined) res.setHeader('Retry-After', f.retryAfter);
    const body = f.body ?? 'json';
    if (body === 'json') return this.send(res, f.status, JSON.stringify(apiError(f.status)));
    if (body === 'html') return this.send(res, f.status, htmlErrorPage(f.status), 'text/html');
    if (body === 'empty') {
      res.writeHead(f.status, { 'Content-Length': 0 });
      res.end();
      return;
    }
    // A raw string: labelled JSON when it looks like JSON, so truncated/malformed JSON can be simulated.
    const t = body.trimStart();
    this.send(res, f.status, body, t.startsWith('{') || t.startsWith('[') ? JSON_TYPE : 'text/plain; charset=utf-8');
  }
}
