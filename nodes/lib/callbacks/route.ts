// A route on Node-RED's HTTP server for nodes (RED.httpNode, mounted under httpNodeRoot), set up
// as the core `http in` node sets up its own: the user's httpNodeMiddleware and httpNodeCors
// first, the request size capped, and on close the route taken out of the router again, so a
// redeploy leaves exactly one handler on the path.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { NodeAPI } from 'node-red';

/** The request as express hands it over (only what this module reads). */
export interface RouteRequest extends IncomingMessage {
  originalUrl?: string;
  protocol?: string;
  body?: unknown;
  _body?: boolean;
  app?: { get(name: string): unknown };
}
export type RouteResponse = ServerResponse;
type Next = (err?: unknown) => void;
type Middleware = (req: RouteRequest, res: RouteResponse, next: Next) => void;
type ErrorMiddleware = (err: unknown, req: RouteRequest, res: RouteResponse, next: Next) => void;

interface Layer {
  route?: { path?: unknown; stack?: Array<{ handle?: unknown }> };
}
interface ExpressApp {
  all(path: string, ...handlers: Array<Middleware | Middleware[] | ErrorMiddleware>): unknown;
  path?: () => string;
  _router?: { stack: Layer[] };
  router?: { stack: Layer[] };
}

/** The largest callback body read: conference status callbacks are well under 2 KiB. */
const MAX_CALLBACK_BYTES = 64 * 1024;

const UNITS: Record<string, number> = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 };

/**
 * The body limit: 64 KiB, or Node-RED's apiMaxLength when that is smaller (a number of bytes or
 * a text such as "5mb", as the core nodes read it).
 */
export function bodyLimit(apiMaxLength: unknown): number {
  let max = Number.POSITIVE_INFINITY;
  if (typeof apiMaxLength === 'number' && apiMaxLength > 0) max = apiMaxLength;
  else if (typeof apiMaxLength === 'string') {
    const m = /^\s*(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?\s*$/i.exec(apiMaxLength);
    if (m) max = Math.floor(Number(m[1]) * UNITS[(m[2] ?? 'b').toLowerCase()]);
  }
  return Math.min(MAX_CALLBACK_BYTES, max);
}

export type BodyResult = { body: string | Buffer | object } | { status: 400 | 413 } | { aborted: true };

/**
 * The request body, read up to `limit` bytes. A declared Content-Length over the limit is
 * refused before a byte is read; a body that grows over it stops being read. A body that a
 * middleware already read (req._body) is taken as that middleware left it.
 */
export function readBody(req: RouteRequest, limit: number): Promise<BodyResult> {
  if (req._body || req.readableEnded) {
    const b = req.body;
    return Promise.resolve(b === undefined || b === null ? { status: 400 } : { body: b as string | Buffer | object });
  }
  const declared = req.headers['content-length'];
  if (declared !== undefined && !/^\d+$/.test(declared)) return Promise.resolve({ status: 400 });
  if (declared !== undefined && Number(declared) > limit) return Promise.resolve({ status: 413 });
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const finish = (result: BodyResult) => {
      if (settled) return;
      settled = true;
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onAbort);
      req.off('aborted', onAbort);
      resolve(result);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        // Not read further: the answer closes the connection, and what is left is discarded.
        req.pause();
        finish({ status: 413 });
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => finish({ body: Buffer.concat(chunks, size) });
    const onAbort = () => finish({ aborted: true });
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onAbort);
    req.on('aborted', onAbort);
  });
}

/** The first value of a header that may be repeated or a comma-separated list. */
function firstValue(header: string | string[] | undefined): string | undefined {
  const v = Array.isArray(header) ? header[0] : header;
  if (v === undefined) return undefined;
  const first = v.split(',')[0].trim();
  return first === '' ? undefined : first;
}

/**
 * The URL the request arrived at: scheme and host (with its port) as the client gave them, from
 * X-Forwarded-Proto / X-Forwarded-Host only when Node-RED trusts the proxy that sent the request
 * (its `trust proxy` setting, httpServerOptions), as express and the core nodes do, then the
 * path and query under httpNodeRoot. Undefined without a Host header.
 */
export function requestUrl(req: RouteRequest): string | undefined {
  const trustFn = typeof req.app?.get === 'function' ? req.app.get('trust proxy fn') : undefined;
  const trusted = typeof trustFn === 'function' && (trustFn as (addr: string | undefined, i: number) => boolean)(req.socket?.remoteAddress, 0);
  const encrypted = Boolean((req.socket as { encrypted?: boolean } | undefined)?.encrypted);
  const protocol = (trusted && firstValue(req.headers['x-forwarded-proto'])) || (encrypted ? 'https' : 'http');
  const host = (trusted && firstValue(req.headers['x-forwarded-host'])) || firstValue(req.headers.host);
  if (!host) return undefined;
  return `${protocol.toLowerCase()}://${host}${req.originalUrl ?? req.url ?? '/'}`;
}

/** The key of a path in the registry: as express matches it (case-insensitive, trailing "/" optional). */
export function routeKey(routePath: string): string {
  const p = routePath.replace(/\/{2,}/g, '/').replace(/(.)\/$/, '$1');
  return p.toLowerCase();
}

// Per HTTP app, the paths this package listens on and the node holding each. A WeakMap: a test
// runtime that drops its app drops its entries too.
const taken = new WeakMap<object, Map<string, { nodeId: string; token: object }>>();

export type MountResult = { unmount: () => void } | { disabled: true } | { takenBy: string };

export interface MountOptions {
  /** The node that owns the route (its id names it in the registry). */
  nodeId: string;
  path: string;
  handler: Middleware;
  /** An error passed on by a middleware (e.g. httpNodeMiddleware calling next(err)). */
  onError: (err: unknown, res: RouteResponse) => void;
}

/** The cors middleware Node-RED ships, from Node-RED's own installation first. */
function loadCors(RED: NodeAPI): ((options: unknown) => Middleware) | undefined {
  const dirs = [(RED.settings as { coreNodesDir?: unknown }).coreNodesDir];
  for (const dir of dirs) {
    if (typeof dir !== 'string' || dir === '') continue;
    try {
      return createRequire(path.join(dir, 'index.js'))('cors') as (options: unknown) => Middleware;
    } catch {
      // not there: try the next place
    }
  }
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('cors') as (options: unknown) => Middleware;
  } catch {
    return undefined;
  }
}

/** Middleware the core http in node puts before its own: httpNodeMiddleware, then httpNodeCors. */
function coreMiddleware(RED: NodeAPI): Array<Middleware | Middleware[]> {
  const settings = RED.settings as { httpNodeMiddleware?: unknown; httpNodeCors?: unknown };
  const chain: Array<Middleware | Middleware[]> = [];
  const mw = settings.httpNodeMiddleware;
  if (typeof mw === 'function' || Array.isArray(mw)) chain.push(mw as Middleware | Middleware[]);
  if (settings.httpNodeCors) {
    const cors = loadCors(RED);
    if (cors) chain.push(cors(settings.httpNodeCors));
  }
  return chain;
}

/** The app's route stack: express 4 keeps it on `_router` (its `router` getter throws), express 5 on `router`. */
function routerStack(app: ExpressApp): Layer[] | undefined {
  if (app._router) return app._router.stack;
  try {
    return app.router?.stack;
  } catch {
    return undefined;
  }
}

/**
 * Listens on `path` of RED.httpNode for every method (the handler answers 405 to all but
 * POST). Refused when Node-RED's HTTP server for nodes is off, or when another node of this
 * package already holds the path.
 */
export function mountRoute(RED: NodeAPI, options: MountOptions): MountResult {
  const settings = RED.settings as { httpNodeRoot?: unknown };
  const app = RED.httpNode as unknown as ExpressApp | undefined;
  if (settings.httpNodeRoot === false || !app || typeof app.all !== 'function') return { disabled: true };
  let paths = taken.get(app);
  if (!paths) {
    paths = new Map();
    taken.set(app, paths);
  }
  const key = routeKey(options.path);
  const holder = paths.get(key);
  if (holder !== undefined) return { takenBy: holder.nodeId };
  const token = {};
  paths.set(key, { nodeId: options.nodeId, token });

  // Unique to this mount: the route is found again by it on close.
  const handler: Middleware = (req, res, next) => options.handler(req, res, next);
  const errorHandler: ErrorMiddleware = (err, _req, res) => options.onError(err, res);
  app.all(options.path, ...coreMiddleware(RED), handler, errorHandler);

  let mounted = true;
  return {
    unmount: () => {
      if (!mounted) return;
      mounted = false;
      const stack = routerStack(app);
      if (stack) {
        for (let i = stack.length - 1; i >= 0; i--) {
          if (stack[i].route?.stack?.some((l) => l.handle === handler)) stack.splice(i, 1);
        }
      }
      if (paths.get(key)?.token === token) paths.delete(key);
    },
  };
}
