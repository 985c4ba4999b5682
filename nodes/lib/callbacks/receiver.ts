// The conference events node's work on each request to its route: the checks a callback must pass
// (method, media type, size, signature, AccountSid), the 204 before the flow runs, repeats
// dropped, the events filter, and the messages of both outputs.
import type { Node, NodeMessage } from 'node-red';
import { Coalescer } from '../shared/coalescer';
import { quote, toSignalWireError } from '../shared/errors';
import { WarningLimiter } from '../shared/status';
import { text, type Translate, type Vars } from '../shared/texts';
import { isFormContentType, param, paramsFromParsed, parseForm, rawParameters, toConferenceEvent, type ConferenceEvent } from './parsing';
import { toRecordingEvent, type RecordingEvent } from './recording-callbacks';
import { ReplayMemory } from './replay-memory';
import { readBody, requestUrl, type RouteRequest, type RouteResponse } from './route';
import type { EventsSettings } from './settings';
import { callbackIdentity, checkSignature, type CallbackAuth, type CallbackParams } from './signature';
import { CallbackStatus, REFUSALS, type CheckMode, type Refusal } from './status';

type Msg = Record<string, unknown>;

/** What output 2 sends of a callback: its event, converted once for both outputs. */
interface Converted {
  topic: string | undefined;
  payload: ConferenceEvent;
}

/** A payload of its own: output 1's message may be changed by the flow before output 2 sends. */
function copyEvent(event: ConferenceEvent): ConferenceEvent {
  const copy: ConferenceEvent = {};
  for (const key of Object.keys(event)) {
    const value = event[key];
    copy[key] = Array.isArray(value) ? [...value] : value;
  }
  return copy;
}

/** How callbacks are checked: signatures on and possible, off, or on but impossible (every callback refused). */
function checkMode(settings: EventsSettings, auth: CallbackAuth | undefined): CheckMode {
  return !settings.verify ? 'unverified' : !auth?.key ? 'no-key' : !auth.projectId ? 'no-project' : 'verified';
}

export interface ReceiverOptions {
  node: Node;
  settings: EventsSettings;
  /** The space's Signing Key and Project ID; fixed for the node's life (Node-RED restarts it when the space changes). */
  auth: CallbackAuth | undefined;
  /** Largest body read, in bytes. */
  limit: number;
  t: Translate;
}

/**
 * The callbacks of one events node. `handle` answers a request and sends what it accepted;
 * `fail` answers 500 to what went wrong unexpectedly; after `close` nothing more is sent.
 */
export class CallbackReceiver {
  readonly mode: CheckMode;
  private readonly node: Node;
  private readonly settings: EventsSettings;
  private readonly auth: CallbackAuth | undefined;
  private readonly limit: number;
  private readonly replay = new ReplayMemory();
  private readonly warnings = new WarningLimiter();
  private readonly coalescer: Coalescer<Converted>;
  private readonly status: CallbackStatus;
  private closed = false;

  constructor(options: ReceiverOptions) {
    this.node = options.node;
    this.settings = options.settings;
    this.auth = options.auth;
    this.limit = options.limit;
    this.mode = checkMode(options.settings, options.auth);
    this.coalescer = new Coalescer<Converted>(options.settings.coalesceMs, (conferenceSid, event, count) => {
      const msg: Msg = {};
      if (event.topic !== undefined) msg.topic = event.topic;
      msg.conferenceSid = conferenceSid;
      msg.payload = event.payload;
      msg.coalesced = count;
      this.node.send([null, msg as NodeMessage]);
    });
    this.status = new CallbackStatus(options.node, options.t, this.mode);
  }

  /** Answers one request to the route; what it accepts goes to the outputs. */
  async handle(req: RouteRequest, res: RouteResponse): Promise<void> {
    if (req.method !== 'POST') return this.refuse(res, 'method', () => ({ method: quote(String(req.method)) }), { Allow: 'POST' });
    const encoding = req.headers['content-encoding'];
    if (!isFormContentType(req.headers['content-type']) || (encoding !== undefined && encoding.trim().toLowerCase() !== 'identity')) {
      return this.refuse(res, 'type', () => ({ type: quote(String(req.headers['content-type'] ?? '')) }));
    }
    // Checking cannot work: refused before the body is read.
    if (this.mode === 'no-key' || this.mode === 'no-project') return this.refuse(res, this.mode);
    const read = await readBody(req, this.limit);
    if ('aborted' in read) return;
    if ('status' in read) return read.status === 413 ? this.refuse(res, 'size', () => ({ max: this.limit })) : this.refuse(res, 'body');
    let params: CallbackParams | undefined;
    if (typeof read.body === 'string') params = parseForm(read.body);
    else if (Buffer.isBuffer(read.body)) params = parseForm(read.body.toString('utf8'));
    else params = paramsFromParsed(read.body);
    if (!params) return this.refuse(res, 'body');

    const auth = this.auth;
    if (this.mode === 'verified' && auth?.key) {
      const header = req.headers['x-signalwire-signature'] ?? req.headers['x-twilio-signature'];
      const signature = Array.isArray(header) ? header[0] : header;
      if (!signature) return this.refuse(res, 'no-signature');
      const url = this.settings.publicUrl ?? requestUrl(req);
      if (url === undefined || !checkSignature(auth.key, signature, url, params)) return this.refuse(res, 'signature', () => ({ url: quote(url ?? '') }));
    }
    const accountSid = param(params, 'AccountSid');
    if (auth?.projectId && accountSid !== auth.projectId) return this.refuse(res, 'account', () => ({ account: quote(accountSid ?? '') }));

    // Answered at once, before anything runs in the flow.
    res.writeHead(204);
    res.end();
    this.accept(params);
  }

  /** Something failed unexpectedly (here or in a middleware before us): 500, as the core node does. */
  fail(err: unknown, res: RouteResponse): void {
    if (!res.headersSent) {
      res.writeHead(500);
      res.end();
    }
    this.warnings.warn(this.node, () => toSignalWireError(err).message);
  }

  /** Nothing is sent after this; the replay memory is forgotten. */
  close(): void {
    this.closed = true;
    this.coalescer.close();
    this.replay.clear();
    this.status.close();
  }

  /** A checked callback: dropped when it is a repeat or filtered out, otherwise sent. */
  private accept(params: CallbackParams): void {
    if (this.closed) return;
    if (this.replay.repeated(callbackIdentity(params))) return;
    const recording = toRecordingEvent(params);
    const event = recording ? recording.topic : param(params, 'StatusCallbackEvent');
    const { events } = this.settings;
    if (events.length > 0 && (event === undefined || !events.includes(event))) return;
    if (recording) {
      this.sendRecording(recording, params);
      return;
    }
    const msg: Msg = {};
    if (event !== undefined) msg.topic = event;
    const conferenceSid = param(params, 'ConferenceSid');
    const callSid = param(params, 'CallSid');
    if (conferenceSid) msg.conferenceSid = conferenceSid;
    if (callSid) msg.callSid = callSid;
    const payload = toConferenceEvent(params);
    msg.payload = payload;
    msg.callback = rawParameters(params);
    this.status.accepted();
    this.node.send([msg as NodeMessage, null]);
    if (conferenceSid) this.coalescer.push(conferenceSid, { topic: event, payload: copyEvent(payload) });
  }

  /**
   * A recording status callback: output 1 only. Output 2 says "this conference's participants
   * changed", which a recording does not: it would refresh a participant list for nothing.
   */
  private sendRecording(recording: RecordingEvent, params: CallbackParams): void {
    const msg: Msg = { topic: recording.topic, recordingSid: recording.recordingSid };
    if (recording.conferenceSid) msg.conferenceSid = recording.conferenceSid;
    msg.payload = recording.payload;
    msg.callback = rawParameters(params);
    this.status.accepted();
    this.node.send([msg as NodeMessage, null]);
  }

  /** Refuses a request: its status code and nothing else, a count, at most one warning a minute. */
  private refuse(res: RouteResponse, reason: Refusal, vars: () => Vars = () => ({}), headers: Record<string, string> = {}): void {
    const code = REFUSALS[reason].http;
    if (!res.headersSent) {
      // The caller learns the status code only, never which check failed.
      if (code === 413) headers.Connection = 'close';
      res.writeHead(code, { 'Content-Type': 'text/plain; charset=utf-8', ...headers });
      res.end();
    }
    this.status.refusedFor(reason);
    this.warnings.warn(this.node, () => text('log.callback-refused', { status: code, reason: text(REFUSALS[reason].log, vars()) }));
  }
}
