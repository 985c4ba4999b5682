// A fake of Twilio's REST API (2010-04-01) for the Conference resource, as Twilio's own spec
// (twilio_api_v2010.yaml) describes it: a real HTTP server on loopback, so the nodes can be tested
// against a Twilio-compatible service and not only against SignalWire's.
//
// What makes it Twilio and not SignalWire:
// - every JSON path ends in `.json`; the same path without it answers XML (200 for a resource
//   that exists, 404 otherwise), as Twilio does;
// - the API root is `/2010-04-01` (no `/api/laml`), IDs are prefixed (AC, CF, CA) 34-character SIDs;
// - list answers carry `start` and `end` beside the paging keys, and their `next_page_uri`
//   (with the `.json` suffix and every filter) holds a PageToken made of `PA` and the last SID;
// - participants carry `label` and `queue_time`, and a participant in a conference is `connected`
//   (Twilio's statuses: queued, connecting, ringing, connected, complete, failed);
// - conferences carry `reason_conference_ended` and `call_sid_ending_conference`;
// - `DateCreated<` / `DateCreated>` mean on or before / on or after the day;
// - conference recordings carry `channels` as a number and `duration` as a string (null until
//   the recording ends), have no `channel`, `end_time`, `trim` or `subresource_uris`, and an
//   update ignores parameters it does not know (SignalWire refuses them);
// - Basic auth is the Account SID (AC...) and the Auth Token; error bodies are
//   `{ code, message, more_info, status }` with Twilio's more_info links.
import * as http from 'node:http';
import { randomBytes } from 'node:crypto';
import { ConferenceRecords, RECORDING_FILTER_NAMES } from './fake-space';
import { type ApiRequest, LoopbackServer, sendBody, sendEmpty } from './loopback-server';
import { RecordingLife, RecordingUpdateError, type RecordingStatus } from './recordings';
import type { FakeParticipant } from './participants';
import { rfc2822 } from './rfc2822';

export const TWILIO_ROOT = '/2010-04-01';

/** A Twilio SID: two letters and 32 hex digits. */
export function twilioSid(prefix: string): string {
  return `${prefix}${randomBytes(16).toString('hex')}`;
}

export interface TwilioConference {
  account_sid: string;
  api_version: string;
  call_sid_ending_conference: string | null;
  date_created: string;
  date_updated: string;
  friendly_name: string;
  reason_conference_ended: string | null;
  region: string;
  sid: string;
  status: 'init' | 'in-progress' | 'completed';
  subresource_uris: { participants: string; recordings: string };
  uri: string;
}

/** Twilio's participant: SignalWire's fields, Twilio's call statuses, and its label and queue time. */
export interface TwilioParticipant extends Omit<FakeParticipant, 'status'> {
  label: string | null;
  queue_time: string | null;
  status: 'queued' | 'connecting' | 'ringing' | 'connected' | 'complete' | 'failed';
}

/** A conference recording as Twilio's spec writes it (api.v2010.account.conference.conference_recording), in its order. */
export interface TwilioRecording {
  account_sid: string;
  api_version: string;
  call_sid: string | null;
  conference_sid: string;
  date_created: string;
  date_updated: string;
  start_time: string;
  duration: string | null;
  sid: string;
  price: string | null;
  price_unit: string | null;
  status: RecordingStatus;
  channels: number;
  source: string;
  error_code: number | null;
  encryption_details: null;
  uri: string;
}

export interface TwilioSpaceOptions {
  accountSid?: string;
  authToken?: string;
  host?: string;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

const JSON_TYPE = 'application/json; charset=utf-8';
const XML_TYPE = 'application/xml; charset=utf-8';

export class TwilioSpace extends LoopbackServer {
  readonly accountSid: string;
  readonly authToken: string;
  /** The announcement URLs played, per conference SID (POST AnnounceUrl). */
  readonly announcements: Array<{ conferenceSid: string; callSid?: string; url: string }> = [];

  private readonly confs = new ConferenceRecords<TwilioConference>();
  /** Participants per conference, in joining order (a Map keeps it). */
  private readonly parts = new Map<string, Map<string, TwilioParticipant>>();
  /** Every call SID ever in a conference, in joining order: the page tokens point into it. */
  private readonly order = new Map<string, string[]>();
  private readonly calls = new Map<string, Record<string, unknown>>();
  /** Each conference's recordings, and every recording SID it ever had in order (the page tokens point into it). */
  private readonly recordingLists = new Map<string, ConferenceRecords<TwilioRecording>>();
  private readonly recordingOrder = new Map<string, string[]>();
  private readonly recordingLives = new Map<string, RecordingLife>();

  constructor(opts: TwilioSpaceOptions = {}) {
    const accountSid = opts.accountSid ?? twilioSid('AC');
    const authToken = opts.authToken ?? randomBytes(16).toString('hex');
    super({ user: accountSid, password: authToken, host: opts.host });
    this.accountSid = accountSid;
    this.authToken = authToken;
  }

  /** What a space field holds for this fake: its origin and Twilio's API root. */
  get spaceUrl(): string {
    return `${this.url}${TWILIO_ROOT}`;
  }

  // ---------------------------------------------------------------- state

  private base(): string {
    return `${TWILIO_ROOT}/Accounts/${this.accountSid}`;
  }

  addConference(fields: Partial<TwilioConference> = {}): string {
    const sid = fields.sid ?? twilioSid('CF');
    const now = rfc2822();
    const uri = `${this.base()}/Conferences/${sid}`;
    this.confs.put({
      account_sid: this.accountSid,
      api_version: '2010-04-01',
      call_sid_ending_conference: null,
      date_created: fields.date_created ?? now,
      date_updated: fields.date_updated ?? fields.date_created ?? now,
      friendly_name: fields.friendly_name ?? `room-${sid.slice(2, 8)}`,
      reason_conference_ended: null,
      region: 'us1',
      sid,
      status: fields.status ?? 'in-progress',
      subresource_uris: { participants: `${uri}/Participants.json`, recordings: `${uri}/Recordings.json` },
      uri: `${uri}.json`,
    });
    this.parts.set(sid, new Map());
    this.order.set(sid, []);
    this.recordingLists.set(sid, new ConferenceRecords<TwilioRecording>());
    this.recordingOrder.set(sid, []);
    return sid;
  }

  conference(sid: string): TwilioConference | undefined {
    const c = this.confs.get(sid);
    return c && structuredClone(c);
  }

  conferences(): TwilioConference[] {
    return this.confs.all().map((c) => structuredClone(c));
  }

  addParticipant(conferenceSid: string, fields: Partial<TwilioParticipant> = {}): TwilioParticipant {
    const list = this.parts.get(conferenceSid);
    if (!list) throw new Error(`unknown conference ${conferenceSid}`);
    const callSid = fields.call_sid ?? twilioSid('CA');
    const now = rfc2822();
    const p: TwilioParticipant = {
      account_sid: this.accountSid,
      call_sid: callSid,
      call_sid_to_coach: fields.call_sid_to_coach ?? null,
      coaching: fields.coaching ?? false,
      conference_sid: conferenceSid,
      date_created: fields.date_created ?? now,
      date_updated: fields.date_updated ?? now,
      end_conference_on_exit: fields.end_conference_on_exit ?? false,
      hold: fields.hold ?? false,
      label: fields.label ?? null,
      muted: fields.muted ?? false,
      queue_time: fields.queue_time ?? null,
      start_conference_on_enter: fields.start_conference_on_enter ?? true,
      status: fields.status ?? 'connected',
      uri: `${this.base()}/Conferences/${conferenceSid}/Participants/${callSid}.json`,
    };
    list.set(callSid, p);
    this.order.get(conferenceSid)!.push(callSid);
    this.calls.set(callSid, {
      sid: callSid,
      account_sid: this.accountSid,
      from: '+15017122661',
      to: '+15558675310',
      formatted_from: '(501) 712-2661',
      caller_name: 'Alice Example',
      direction: 'inbound',
      status: 'in-progress',
      start_time: now,
      uri: `${this.base()}/Calls/${callSid}.json`,
    });
    return { ...p };
  }

  participants(conferenceSid: string): TwilioParticipant[] {
    return [...(this.parts.get(conferenceSid)?.values() ?? [])].map((p) => ({ ...p }));
  }

  participant(conferenceSid: string, callSid: string): TwilioParticipant | undefined {
    const p = this.parts.get(conferenceSid)?.get(callSid);
    return p && { ...p };
  }

  /** A recording of a conference, in progress unless `fields.status` says otherwise. */
  startRecording(conferenceSid: string, fields: Partial<TwilioRecording> = {}): TwilioRecording {
    const list = this.recordingLists.get(conferenceSid);
    if (!list) throw new Error(`unknown conference ${conferenceSid}`);
    const sid = fields.sid ?? twilioSid('RE');
    const now = Date.now();
    const created = fields.date_created ?? rfc2822(now);
    const r: TwilioRecording = {
      account_sid: this.accountSid,
      api_version: '2010-04-01',
      call_sid: fields.call_sid ?? null,
      conference_sid: conferenceSid,
      date_created: created,
      date_updated: created,
      start_time: created,
      duration: null,
      sid,
      price: null,
      price_unit: 'USD',
      status: 'in-progress',
      channels: fields.channels ?? 1,
      source: fields.source ?? 'StartConferenceRecordingAPI',
      error_code: null,
      encryption_details: null,
      uri: `${this.base()}/Conferences/${conferenceSid}/Recordings/${sid}.json`,
    };
    const life = new RecordingLife(fields.status ?? 'in-progress', now);
    list.put(r);
    this.recordingOrder.get(conferenceSid)!.push(sid);
    this.recordingLives.set(sid, life);
    this.renderRecording(r, life, now);
    return { ...r };
  }

  recordings(conferenceSid: string): TwilioRecording[] {
    return (this.recordingLists.get(conferenceSid)?.all() ?? []).map((r) => ({ ...r }));
  }

  recording(conferenceSid: string, sid: string): TwilioRecording | undefined {
    const r = this.recordingLists.get(conferenceSid)?.get(sid);
    return r && { ...r };
  }

  /** What the service does on its own: e.g. `processing`, then `completed`. */
  setRecordingStatus(conferenceSid: string, sid: string, status: RecordingStatus): TwilioRecording {
    const r = this.recordingLists.get(conferenceSid)?.get(sid);
    const life = this.recordingLives.get(sid);
    if (!r || !life) throw new Error(`no recording ${sid} in conference ${conferenceSid}`);
    const now = Date.now();
    life.set(status, now);
    this.renderRecording(r, life, now);
    return { ...r };
  }

  private renderRecording(r: TwilioRecording, life: RecordingLife, now: number): void {
    r.status = life.status;
    // Twilio's duration is a string, null until the recording has ended.
    r.duration = life.endedAt === null ? null : String(life.durationSeconds(now));
    r.date_updated = rfc2822(now);
  }

  // ---------------------------------------------------------------- HTTP

  protected serve(request: ApiRequest, res: http.ServerResponse): void {
    try {
      this.answer(request, res);
    } catch (err) {
      if (!(err instanceof HttpError)) throw err;
      if (request.path.endsWith('.json')) return this.sendJson(res, err.status, this.errorBody(err.status, err.code, err.message));
      this.sendXml(res, err.status, `<TwilioResponse><RestException><Code>${err.code}</Code><Message>${err.message}</Message><Status>${err.status}</Status></RestException></TwilioResponse>`);
    }
  }

  protected sendStatusError(res: http.ServerResponse, status: number): void {
    this.sendJson(res, status, this.errorBody(status, 20000 + status, http.STATUS_CODES[status] ?? 'Error'));
  }

  private errorBody(status: number, code: number, message: string): object {
    return { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status };
  }

  private sendJson(res: http.ServerResponse, status: number, body: object | null): void {
    if (status === 401) res.setHeader('WWW-Authenticate', 'Basic realm="Twilio API"');
    if (body === null) return sendEmpty(res, status);
    sendBody(res, status, JSON.stringify(body), JSON_TYPE);
  }

  private sendXml(res: http.ServerResponse, status: number, inner: string): void {
    sendBody(res, status, `<?xml version='1.0' encoding='UTF-8'?>\n${inner}`, XML_TYPE);
  }

  private answer({ method, path, query, form, authorized }: ApiRequest, res: http.ServerResponse): void {
    if (!authorized) throw new HttpError(401, 20003, 'Authenticate');
    const json = path.endsWith('.json');
    const rest = json ? path.slice(0, -5) : path;
    const prefix = `${TWILIO_ROOT}/Accounts/`;
    if (!rest.startsWith(prefix)) throw new HttpError(404, 20404, `The requested resource ${path} was not found`);
    const seg = rest.slice(prefix.length).split('/').map((s) => decodeURIComponent(s));
    if (seg[0] !== this.accountSid) throw new HttpError(404, 20404, `The requested resource ${path} was not found`);
    const notFound = () => new HttpError(404, 20404, `The requested resource ${path} was not found`);
    const route = seg.slice(1);
    // Without `.json` Twilio answers XML: the resource when it exists, a RestException otherwise.
    const xml = (tag: string) => {
      this.sendXml(res, 200, `<TwilioResponse><${tag}/></TwilioResponse>`);
    };

    if (route.length === 1 && route[0] === 'Conferences') {
      if (method !== 'GET') throw new HttpError(405, 20004, 'Method not allowed');
      if (!json) return xml('Conferences');
      return this.sendJson(res, 200, this.conferenceList(rest, query));
    }
    if (route.length === 2 && route[0] === 'Conferences') {
      const c = this.confs.get(route[1]);
      if (!c) throw notFound();
      if (!json) return xml('Conference');
      if (method === 'POST') return this.sendJson(res, 200, this.updateConference(c, form));
      if (method !== 'GET') throw new HttpError(405, 20004, 'Method not allowed');
      return this.sendJson(res, 200, c);
    }
    if (route.length === 3 && route[0] === 'Conferences' && route[2] === 'Participants') {
      if (!this.confs.get(route[1])) throw notFound();
      if (method !== 'GET') throw new HttpError(405, 20004, 'Method not allowed');
      if (!json) return xml('Participants');
      return this.sendJson(res, 200, this.participantList(rest, route[1], query));
    }
    if (route.length === 4 && route[0] === 'Conferences' && route[2] === 'Participants') {
      const p = this.parts.get(route[1])?.get(route[3]);
      if (!p) throw notFound();
      if (!json) return xml('Participant');
      if (method === 'DELETE') {
        this.leave(route[1], route[3]);
        return this.sendJson(res, 204, null);
      }
      if (method === 'POST') return this.sendJson(res, 200, this.updateParticipant(p, form));
      if (method !== 'GET') throw new HttpError(405, 20004, 'Method not allowed');
      return this.sendJson(res, 200, p);
    }
    if ((route.length === 3 || route.length === 4) && route[0] === 'Conferences' && route[2] === 'Recordings') {
      const list = this.recordingLists.get(route[1]);
      if (!list) throw notFound();
      if (route.length === 3) {
        if (method !== 'GET') throw new HttpError(405, 20004, 'Method not allowed');
        if (!json) return xml('Recordings');
        return this.sendJson(res, 200, this.recordingList(rest, route[1], query));
      }
      const r = list.get(route[3]);
      const life = this.recordingLives.get(route[3]);
      if (!r || !life) throw notFound();
      if (!json) return xml('Recording');
      if (method === 'DELETE') {
        list.delete(r.sid);
        this.recordingLives.delete(r.sid);
        return this.sendJson(res, 204, null);
      }
      if (method === 'POST') {
        try {
          life.update(form, false);
        } catch (err) {
          if (err instanceof RecordingUpdateError) throw new HttpError(400, 20001, err.message);
          throw err;
        }
        this.renderRecording(r, life, Date.now());
        return this.sendJson(res, 200, r);
      }
      if (method !== 'GET') throw new HttpError(405, 20004, 'Method not allowed');
      return this.sendJson(res, 200, r);
    }
    if (route.length === 2 && route[0] === 'Calls') {
      const call = this.calls.get(route[1]);
      if (!call) throw notFound();
      if (!json) return xml('Call');
      if (method !== 'GET') throw new HttpError(405, 20004, 'Method not allowed');
      return this.sendJson(res, 200, call);
    }
    throw notFound();
  }

  /** PageSize (1..1000, default 50), Page and PageToken as Twilio checks them. */
  private paging(query: URLSearchParams): { pageSize: number; page: number; token: string | null } {
    const ps = query.get('PageSize');
    const pageSize = ps === null ? 50 : /^\d{1,4}$/.test(ps) ? Number(ps) : NaN;
    if (!(pageSize >= 1 && pageSize <= 1000)) throw new HttpError(400, 20001, 'Invalid PageSize');
    const pg = query.get('Page');
    if (pg !== null && !/^\d{1,9}$/.test(pg)) throw new HttpError(400, 20001, 'Invalid Page');
    const page = pg === null ? 0 : Number(pg);
    const token = query.get('PageToken');
    if (token !== null && !/^P[AB][A-Z]{2}[0-9a-f]{32}$/.test(token)) throw new HttpError(400, 20001, 'Invalid PageToken');
    if (page > 0 && token === null) throw new HttpError(400, 20001, 'Page > 0 requires the PageToken from next_page_uri');
    return { pageSize, page, token };
  }

  /** A list answer in Twilio's key order, with `start` and `end` and `.json` paging URIs. */
  private listBody(key: string, path: string, filterQs: string, pageSize: number, page: number, items: unknown[], nextToken: string | null, prevToken: string | null): object {
    const uri = (p: number, token: string | null) => `${path}.json?${filterQs}PageSize=${pageSize}&Page=${p}${token ? `&PageToken=${token}` : ''}`;
    const start = page * pageSize;
    return {
      end: start + Math.max(items.length, 1) - 1,
      first_page_uri: uri(0, null),
      next_page_uri: nextToken ? uri(page + 1, nextToken) : null,
      page,
      page_size: pageSize,
      previous_page_uri: prevToken && page > 0 ? uri(page - 1, prevToken) : null,
      start,
      uri: uri(page, null),
      [key]: items,
    };
  }

  /** Items after (PA<sid>) or before (PB<sid>) the token's SID in `order`, which lists every SID ever. */
  private pageOf<T>(order: string[], present: (sid: string) => T | undefined, pageSize: number, token: string | null): { items: T[]; next: string | null; prev: string | null } {
    const sids = order.filter((s) => present(s) !== undefined);
    let from = 0;
    let end = sids.length;
    if (token) {
      const at = order.indexOf(token.slice(2));
      if (at < 0) throw new HttpError(400, 20001, 'Invalid PageToken');
      if (token.startsWith('PA')) from = sids.filter((s) => order.indexOf(s) <= at).length;
      else {
        const before = sids.filter((s) => order.indexOf(s) < at).length;
        from = Math.max(0, before - pageSize);
        end = before;
      }
    }
    const slice = sids.slice(from, Math.min(end, from + pageSize));
    const items = slice.map((s) => present(s)!);
    const next = from + slice.length < sids.length && slice.length ? `PA${slice[slice.length - 1]}` : null;
    const prev = slice.length ? `PB${slice[0]}` : null;
    return { items, next, prev };
  }

  private conferenceList(path: string, query: URLSearchParams): object {
    const { pageSize, page, token } = this.paging(query);
    const f = ConferenceRecords.filters(query);
    if ('error' in f) throw new HttpError(400, 20001, f.error);
    // The listing's filters, in the order of the question, ahead of the paging keys.
    const matching = this.confs.page(f.filter, 'inclusive', 1_000_000, null).items.map((c) => c.sid);
    const all = this.confs.all().map((c) => c.sid);
    const r = this.pageOf(all, (sid) => (matching.includes(sid) ? this.confs.get(sid) : undefined), pageSize, token);
    const qs = f.qs === '' ? '' : `${f.qs.slice(1)}&`;
    return this.listBody('conferences', path, qs, pageSize, page, r.items, r.next, r.prev);
  }

  /** A conference's recordings, filtered by `DateCreated` (on or before / after the day), paged as the others. */
  private recordingList(path: string, conferenceSid: string, query: URLSearchParams): object {
    const { pageSize, page, token } = this.paging(query);
    const f = ConferenceRecords.filters(query, RECORDING_FILTER_NAMES);
    if ('error' in f) throw new HttpError(400, 20001, f.error);
    const list = this.recordingLists.get(conferenceSid)!;
    const matching = new Set(list.page(f.filter, 'inclusive', 1_000_000, null).items.map((r) => r.sid));
    const r = this.pageOf(this.recordingOrder.get(conferenceSid)!, (sid) => (matching.has(sid) ? list.get(sid) : undefined), pageSize, token);
    const qs = f.qs === '' ? '' : `${f.qs.slice(1)}&`;
    return this.listBody('recordings', path, qs, pageSize, page, r.items, r.next, r.prev);
  }

  private participantList(path: string, conferenceSid: string, query: URLSearchParams): object {
    const { pageSize, page, token } = this.paging(query);
    let qs = '';
    const want: Partial<Record<'muted' | 'hold' | 'coaching', boolean>> = {};
    for (const [name, key] of [['Muted', 'muted'], ['Hold', 'hold'], ['Coaching', 'coaching']] as const) {
      const v = query.get(name);
      if (v === null) continue;
      if (v !== 'true' && v !== 'false') throw new HttpError(400, 20001, `Invalid ${name}`);
      want[key] = v === 'true';
      qs += `${name}=${v}&`;
    }
    const list = this.parts.get(conferenceSid)!;
    const present = (sid: string) => {
      const p = list.get(sid);
      if (!p) return undefined;
      for (const [k, v] of Object.entries(want)) if (p[k as 'muted'] !== v) return undefined;
      return p;
    };
    const r = this.pageOf(this.order.get(conferenceSid)!, present, pageSize, token);
    return this.listBody('participants', path, qs, pageSize, page, r.items, r.next, r.prev);
  }

  private updateParticipant(p: TwilioParticipant, form: URLSearchParams): TwilioParticipant {
    const bool = (name: string): boolean | undefined => {
      const v = form.get(name);
      if (v === null) return undefined;
      if (v !== 'true' && v !== 'false') throw new HttpError(400, 21610, `Invalid ${name}`);
      return v === 'true';
    };
    const muted = bool('Muted');
    const hold = bool('Hold');
    const coaching = bool('Coaching');
    const coached = form.get('CallSidToCoach');
    if (coaching === true && coached === null) throw new HttpError(400, 20001, 'CallSidToCoach is required when Coaching is true');
    if (coached !== null && (coached === p.call_sid || !this.parts.get(p.conference_sid)?.has(coached))) {
      throw new HttpError(400, 20001, `CallSidToCoach ${coached} is not another participant of this conference`);
    }
    if (muted !== undefined) p.muted = muted;
    if (hold !== undefined) p.hold = hold;
    if (coached !== null) p.call_sid_to_coach = coached;
    if (coaching !== undefined) {
      p.coaching = coaching;
      if (!coaching && coached === null) p.call_sid_to_coach = null;
    }
    const announce = form.get('AnnounceUrl');
    if (announce !== null) this.announcements.push({ conferenceSid: p.conference_sid, callSid: p.call_sid, url: announce });
    p.date_updated = rfc2822();
    return { ...p };
  }

  private updateConference(c: TwilioConference, form: URLSearchParams): TwilioConference {
    const status = form.get('Status');
    if (status !== null) {
      if (status !== 'completed') throw new HttpError(400, 20001, 'Invalid Status: only completed');
      c.status = 'completed';
      c.reason_conference_ended = 'conference-ended-via-api';
      for (const sid of [...(this.parts.get(c.sid)?.keys() ?? [])]) this.leave(c.sid, sid);
      // Its recordings end with it.
      for (const r of this.recordingLists.get(c.sid)?.all() ?? []) if (!this.recordingLives.get(r.sid)?.ended) this.setRecordingStatus(c.sid, r.sid, 'completed');
    }
    const announce = form.get('AnnounceUrl');
    if (announce !== null) this.announcements.push({ conferenceSid: c.sid, url: announce });
    c.date_updated = rfc2822();
    return structuredClone(c);
  }

  private leave(conferenceSid: string, callSid: string): void {
    this.parts.get(conferenceSid)?.delete(callSid);
    const call = this.calls.get(callSid);
    if (call) call.status = 'completed';
  }
}
