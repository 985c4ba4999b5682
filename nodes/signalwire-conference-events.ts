import type { Node, NodeAPI, NodeDef, NodeMessage } from 'node-red';
import { isFormContentType, param, paramsFromParsed, parseForm, rawParameters, toConferenceEvent, type ConferenceEvent } from './lib/callbacks/parsing';
import { bodyLimit, mountRoute, readBody, requestUrl, type RouteRequest, type RouteResponse } from './lib/callbacks/route';
import { callbackIdentity, checkSignature, type CallbackParams, type CallbackSpaceNode } from './lib/callbacks/signature';
import { CallbackStatus, REFUSALS, type CheckMode, type Refusal } from './lib/callbacks/status';
import { eventsSettings, type ConferenceEventsConfig, type EventsSettings } from './lib/callbacks/settings';
import { Coalescer } from './lib/shared/coalescer';
import { configError, quote, toSignalWireError, type SignalWireError } from './lib/shared/errors';
import { toRecordingEvent, type RecordingEvent } from './lib/callbacks/recording-callbacks';
import { ReplayMemory } from './lib/callbacks/replay-memory';
import { spaceNodeOf } from './lib/client/space';
import { memoized, WarningLimiter } from './lib/shared/status';
import { text, useCatalogue, type Vars } from './lib/shared/texts';

interface ConferenceEventsDef extends NodeDef, ConferenceEventsConfig {
  space?: string;
}

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

export = function (RED: NodeAPI): void {
  useCatalogue(RED);

  function ConferenceEventsNode(this: Node, config: ConferenceEventsDef): void {
    RED.nodes.createNode(this, config);
    const node = this;
    const t = memoized(text);
    const space = spaceNodeOf<CallbackSpaceNode>(RED, config.space);

    /** A setup problem: shown and logged once, and the node does not listen. */
    const setupFailed = (err: SignalWireError, statusKey: string): void => {
      node.error(err.message);
      node.status({ fill: 'red', shape: 'ring', text: t(statusKey) });
    };

    if (!space) {
      node.status({ fill: 'red', shape: 'ring', text: t('status.no-config') });
      return;
    }
    let settings: EventsSettings;
    try {
      settings = eventsSettings(config);
    } catch (err) {
      setupFailed(err as SignalWireError, 'status.config');
      return;
    }

    // Fixed for the node's life: Node-RED restarts this node when its space node changes.
    const auth = space.callbackAuth;
    const mode: CheckMode = !settings.verify ? 'unverified' : !auth?.key ? 'no-key' : !auth.projectId ? 'no-project' : 'verified';
    const limit = bodyLimit((RED.settings as { apiMaxLength?: unknown }).apiMaxLength);
    const replay = new ReplayMemory();
    const warnings = new WarningLimiter();
    let closed = false;

    const coalescer = new Coalescer<Converted>(settings.coalesceMs, (conferenceSid, event, count) => {
      const msg: Msg = {};
      if (event.topic !== undefined) msg.topic = event.topic;
      msg.conferenceSid = conferenceSid;
      msg.payload = event.payload;
      msg.coalesced = count;
      node.send([null, msg as NodeMessage]);
    });

    /** One warning a minute at most: the reason, and how many refusals it did not log. */
    const warn = (line: () => string): void => warnings.warn(node, line);

    // Set once the route is up; the handler below uses it.
    let status: CallbackStatus | undefined;

    /** Refuses a request: its status code and nothing else, a count, at most one warning a minute. */
    const refuse = (res: RouteResponse, reason: Refusal, vars: () => Vars = () => ({}), headers: Record<string, string> = {}): void => {
      const code = REFUSALS[reason].http;
      if (!res.headersSent) {
        // The caller learns the status code only, never which check failed.
        if (code === 413) headers.Connection = 'close';
        res.writeHead(code, { 'Content-Type': 'text/plain; charset=utf-8', ...headers });
        res.end();
      }
      status?.refusedFor(reason);
      warn(() => text('log.callback-refused', { status: code, reason: text(REFUSALS[reason].log, vars()) }));
    };

    /** Something failed unexpectedly (here or in a middleware before us): 500, as the core node does. */
    const fail = (err: unknown, res: RouteResponse): void => {
      if (!res.headersSent) {
        res.writeHead(500);
        res.end();
      }
      warn(() => toSignalWireError(err).message);
    };

    const handle = async (req: RouteRequest, res: RouteResponse): Promise<void> => {
      if (req.method !== 'POST') return refuse(res, 'method', () => ({ method: quote(String(req.method)) }), { Allow: 'POST' });
      const encoding = req.headers['content-encoding'];
      if (!isFormContentType(req.headers['content-type']) || (encoding !== undefined && encoding.trim().toLowerCase() !== 'identity')) {
        return refuse(res, 'type', () => ({ type: quote(String(req.headers['content-type'] ?? '')) }));
      }
      // Checking cannot work: refused before the body is read.
      if (mode === 'no-key' || mode === 'no-project') return refuse(res, mode);
      const read = await readBody(req, limit);
      if ('aborted' in read) return;
      if ('status' in read) return read.status === 413 ? refuse(res, 'size', () => ({ max: limit })) : refuse(res, 'body');
      let params: CallbackParams | undefined;
      if (typeof read.body === 'string') params = parseForm(read.body);
      else if (Buffer.isBuffer(read.body)) params = parseForm(read.body.toString('utf8'));
      else params = paramsFromParsed(read.body);
      if (!params) return refuse(res, 'body');

      if (mode === 'verified' && auth?.key) {
        const header = req.headers['x-signalwire-signature'] ?? req.headers['x-twilio-signature'];
        const signature = Array.isArray(header) ? header[0] : header;
        if (!signature) return refuse(res, 'no-signature');
        const url = settings.publicUrl ?? requestUrl(req);
        if (url === undefined || !checkSignature(auth.key, signature, url, params)) return refuse(res, 'signature', () => ({ url: quote(url ?? '') }));
      }
      const accountSid = param(params, 'AccountSid');
      if (auth?.projectId && accountSid !== auth.projectId) return refuse(res, 'account', () => ({ account: quote(accountSid ?? '') }));

      // Answered at once, before anything runs in the flow.
      res.writeHead(204);
      res.end();
      if (closed) return;
      if (replay.repeated(callbackIdentity(params))) return;
      const recording = toRecordingEvent(params);
      const event = recording ? recording.topic : param(params, 'StatusCallbackEvent');
      if (settings.events.length > 0 && (event === undefined || !settings.events.includes(event))) return;
      if (recording) {
        sendRecording(recording, params);
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
      status?.accepted();
      node.send([msg as NodeMessage, null]);
      if (conferenceSid) coalescer.push(conferenceSid, { topic: event, payload: copyEvent(payload) });
    };

    /**
     * A recording status callback: output 1 only. Output 2 says "this conference's participants
     * changed", which a recording does not: it would refresh a participant list for nothing.
     */
    const sendRecording = (recording: RecordingEvent, params: CallbackParams): void => {
      const msg: Msg = { topic: recording.topic, recordingSid: recording.recordingSid };
      if (recording.conferenceSid) msg.conferenceSid = recording.conferenceSid;
      msg.payload = recording.payload;
      msg.callback = rawParameters(params);
      status?.accepted();
      node.send([msg as NodeMessage, null]);
    };

    const mounted = mountRoute(RED, {
      nodeId: node.id,
      path: settings.path,
      handler: (req, res) => {
        handle(req, res).catch((err: unknown) => fail(err, res));
      },
      // A middleware (httpNodeMiddleware, cors) passed on an error.
      onError: fail,
    });
    if ('disabled' in mounted) {
      setupFailed(configError('callback-http-off'), 'status.http-off');
      return;
    }
    if ('takenBy' in mounted) {
      setupFailed(configError('callback-path-taken', { path: settings.path, node: mounted.takenBy }), 'status.path-taken');
      return;
    }
    status = new CallbackStatus(node, t, mode);
    if (mode === 'no-key') node.warn(text('log.reason-no-key'));
    if (mode === 'no-project') node.warn(text('log.reason-no-project'));

    node.on('close', (_removed: boolean, done: () => void) => {
      closed = true;
      mounted.unmount();
      coalescer.close();
      replay.clear();
      status?.close();
      done();
    });
  }

  RED.nodes.registerType('signalwire-conference-events', ConferenceEventsNode);
};
