import type { Node, NodeAPI, NodeDef, NodeMessage } from 'node-red';
import { isFormContentType, param, paramsFromParsed, parseForm, rawParameters, toConferenceEvent } from './lib/callback-parsing';
import { bodyLimit, mountRoute, readBody, requestUrl, type RouteRequest, type RouteResponse } from './lib/callback-route';
import { callbackIdentity, checkSignature, type CallbackParams, type CallbackSpaceNode } from './lib/callback-signature';
import { CallbackStatus, REFUSAL_HTTP, WarningLimiter, type CheckMode, type Refusal } from './lib/callback-status';
import { eventsSettings, type ConferenceEventsConfig, type EventsSettings } from './lib/callback-settings';
import { Coalescer } from './lib/coalescer';
import { configError, quote, type SignalWireError } from './lib/errors';
import { ReplayMemory } from './lib/replay-memory';
import { memoized } from './lib/status';
import { text, useCatalogue, type Vars } from './lib/texts';

interface ConferenceEventsDef extends NodeDef, ConferenceEventsConfig {
  space?: string;
}

type Msg = Record<string, unknown>;

export = function (RED: NodeAPI): void {
  useCatalogue(RED);

  function ConferenceEventsNode(this: Node, config: ConferenceEventsDef): void {
    RED.nodes.createNode(this, config);
    const node = this;
    const t = memoized(text);
    const space = typeof config.space === 'string' && config.space !== '' ? (RED.nodes.getNode(config.space) as CallbackSpaceNode | null) : null;

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

    const initialAuth = space.callbackAuth;
    const mode: CheckMode = !settings.verify ? 'unverified' : !initialAuth?.key ? 'no-key' : !initialAuth.projectId ? 'no-project' : 'verified';
    const limit = bodyLimit((RED.settings as { apiMaxLength?: unknown }).apiMaxLength);
    const replay = new ReplayMemory();
    const warnings = new WarningLimiter();
    let closed = false;

    const coalescer = new Coalescer<CallbackParams>(settings.coalesceMs, (conferenceSid, params, count) => {
      if (closed) return;
      const msg: Msg = { topic: param(params, 'StatusCallbackEvent'), conferenceSid, payload: toConferenceEvent(params), coalesced: count };
      if (msg.topic === undefined) delete msg.topic;
      node.send([null, msg as NodeMessage]);
    });

    /** One warning a minute at most: the reason, and how many refusals it did not log. */
    const warn = (line: string): void => {
      const w = warnings.take();
      if (!w.log) return;
      node.warn(w.suppressed > 0 ? `${line} ${text('log.suppressed', { count: w.suppressed })}` : line);
    };

    const refusalText = (reason: Refusal, vars: Vars): string => {
      switch (reason) {
        case 'method':
          return text('log.reason-method', vars);
        case 'type':
          return text('log.reason-type', vars);
        case 'size':
          return text('log.reason-size', vars);
        case 'body':
          return text('log.reason-body', vars);
        case 'no-key':
          return text('log.reason-no-key', vars);
        case 'no-project':
          return text('log.reason-no-project', vars);
        case 'no-signature':
          return text('log.reason-no-signature', vars);
        case 'signature':
          return text('log.reason-signature', vars);
        case 'account':
          return text('log.reason-account', vars);
      }
    };

    // Set once the route is up; the handler below uses it.
    let status: CallbackStatus | undefined;

    /** Refuses a request: its status code and nothing else, a count, at most one warning a minute. */
    const refuse = (res: RouteResponse, reason: Refusal, vars: Vars = {}, headers: Record<string, string> = {}): void => {
      const code = REFUSAL_HTTP[reason];
      if (!res.headersSent) {
        // The caller learns the status code only, never which check failed.
        if (code === 413) headers.Connection = 'close';
        res.writeHead(code, { 'Content-Type': 'text/plain; charset=utf-8', ...headers });
        res.end();
      }
      status?.refusedFor(reason);
      warn(text('log.callback-refused', { status: code, reason: refusalText(reason, vars) }));
    };

    const handle = async (req: RouteRequest, res: RouteResponse): Promise<void> => {
      if (req.method !== 'POST') return refuse(res, 'method', { method: quote(String(req.method)) }, { Allow: 'POST' });
      const encoding = req.headers['content-encoding'];
      if (!isFormContentType(req.headers['content-type']) || (encoding !== undefined && encoding.trim().toLowerCase() !== 'identity')) {
        return refuse(res, 'type', { type: quote(String(req.headers['content-type'] ?? '')) });
      }
      const read = await readBody(req, limit);
      if ('aborted' in read) return;
      if ('status' in read) return read.status === 413 ? refuse(res, 'size', { max: limit }) : refuse(res, 'body');
      let params: CallbackParams | undefined;
      if (typeof read.body === 'string') params = parseForm(read.body);
      else if (Buffer.isBuffer(read.body)) params = parseForm(read.body.toString('utf8'));
      else params = paramsFromParsed(read.body);
      if (!params) return refuse(res, 'body');

      const auth = space.callbackAuth;
      if (settings.verify) {
        if (!auth?.key) return refuse(res, 'no-key');
        if (!auth.projectId) return refuse(res, 'no-project');
        const header = req.headers['x-signalwire-signature'] ?? req.headers['x-twilio-signature'];
        const signature = Array.isArray(header) ? header[0] : header;
        if (!signature) return refuse(res, 'no-signature');
        const url = settings.publicUrl ?? requestUrl(req);
        if (url === undefined || !checkSignature(auth.key, signature, url, params)) return refuse(res, 'signature', { url: quote(url ?? '') });
      }
      const accountSid = param(params, 'AccountSid');
      if (auth?.projectId && accountSid !== auth.projectId) return refuse(res, 'account', { account: quote(accountSid ?? '') });

      // Answered at once, before anything runs in the flow.
      res.writeHead(204);
      res.end();
      if (closed) return;
      if (replay.repeated(callbackIdentity(params))) return;
      const event = param(params, 'StatusCallbackEvent');
      if (settings.events.length > 0 && (event === undefined || !settings.events.includes(event))) return;

      const msg: Msg = {};
      if (event !== undefined) msg.topic = event;
      const conferenceSid = param(params, 'ConferenceSid');
      const callSid = param(params, 'CallSid');
      if (conferenceSid) msg.conferenceSid = conferenceSid;
      if (callSid) msg.callSid = callSid;
      msg.payload = toConferenceEvent(params);
      msg.callback = rawParameters(params);
      status?.accepted();
      node.send([msg as NodeMessage, null]);
      if (conferenceSid) coalescer.push(conferenceSid, params);
    };

    const mounted = mountRoute(RED, {
      nodeId: node.id,
      path: settings.path,
      handler: (req, res) => {
        handle(req, res).catch((err: unknown) => {
          if (!res.headersSent) {
            res.writeHead(500);
            res.end();
          }
          warn(text('errors.unexpected', { message: quote(String((err as Error)?.message ?? err)) }));
        });
      },
      onError: (err, res) => {
        // A middleware (httpNodeMiddleware, cors) passed on an error: as the core node does, 500.
        if (!res.headersSent) {
          res.writeHead(500);
          res.end();
        }
        warn(text('errors.unexpected', { message: quote(String((err as Error)?.message ?? err)) }));
      },
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
