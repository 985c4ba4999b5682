import http from 'node:http';
import https from 'node:https';
import axios, { AxiosError, type AxiosAdapter, type AxiosInstance, type AxiosRequestConfig, type AxiosResponse, type InternalAxiosRequestConfig } from 'axios';
import axiosRetry from 'axios-retry';
import { abortError, badResponse, fromHttpResponse, quote, redactError, secretForms, SignalWireError, type ApiErrorBody, type Subject } from '../shared/errors';
import { Deadlines } from './deadlines';
import { Limiter, type Release } from './limiter';
import { backoffCap, DEFAULT_MAX_RETRY_AFTER_MS, DEFAULT_RETRY_BASE_MS, isRetryable, MAX_BACKOFF_MS, parseRetryAfter, retryDelay } from './retry';
import { PACKAGE } from '../shared/package-info';
import { text } from '../shared/texts';
import { apiPathSuffix } from '../shared/rules';
import type { Call, Conference, Participant, SpaceSettings } from '../shared/types';

const USER_AGENT = `${PACKAGE.name}/${PACKAGE.version}`;
/**
 * Largest answer read. A full page of 1000 participants is about 0.5 MB (Twilio's, with more
 * fields, about 0.8 MB), of 1000 conference recordings about 0.9 MB: 2 MiB leaves room and keeps
 * a hostile answer from filling memory.
 */
export const MAX_RESPONSE_BYTES = 2 * 1024 * 1024;

const httpAdapter: AxiosAdapter = axios.getAdapter('http');

/** How a client's attempts go on the wire: Node's http or https, and the headers every request of the space carries. */
interface Wire {
  transport: typeof http | typeof https;
  /** The User-Agent and the Basic auth, made once per space. */
  headers: Readonly<Record<string, string>>;
}

/**
 * One attempt's bookkeeping, kept on the axios config across retries. A class, not a plain
 * object: axios copies plain objects when it merges the config of a retry. It is also the
 * attempt's `transport` (axios's http adapter calls its `request`), so it holds the request on
 * the wire and can destroy it when the attempt's time is up or the caller aborts.
 */
class Attempt {
  timedOut = false;
  /** When the attempt on the wire must have ended: its timeout, or the request's deadline if sooner. */
  endsAt = 0;
  private release: Release | undefined;
  private req: http.ClientRequest | undefined;
  private wire: Wire | undefined;

  /** When the request was made (its first attempt asked for a slot). */
  readonly startedAt = Date.now();
  /** When the whole request (queue, attempts, backoffs) must have ended, whatever the server does. */
  readonly deadlineAt: number;

  /** `callerSignal`: the node closed. `deadlineMs`: the request's deadline from now. */
  constructor(
    readonly callerSignal: AbortSignal | undefined,
    deadlineMs: number,
  ) {
    this.deadlineAt = this.startedAt + deadlineMs;
  }

  get expired(): boolean {
    return Date.now() >= this.deadlineAt;
  }

  /**
   * Holds a slot, and bounds the whole exchange (headers and body) by the attempt's timeout,
   * or by what is left of the request's deadline if that is less.
   */
  begin(release: Release, timeoutMs: number, wire: Wire): void {
    this.timedOut = false;
    this.release = release;
    this.wire = wire;
    this.endsAt = Math.min(Date.now() + timeoutMs, this.deadlineAt);
  }

  /**
   * axios's http adapter makes the attempt's request here. The space's fixed headers are
   * written here, on the request itself: through axios's header handling, which every request
   * passes several times, they cost more than the rest of the request's bookkeeping together.
   */
  request(options: http.RequestOptions, callback: (res: http.IncomingMessage) => void): http.ClientRequest {
    const wire = this.wire!;
    Object.assign(options.headers as http.OutgoingHttpHeaders, wire.headers);
    const req = wire.transport.request(options, callback);
    this.req = req;
    if (this.timedOut) this.expire();
    else if (this.callerSignal?.aborted) this.cancel();
    return req;
  }

  /** The attempt's time is up: its request fails as a timeout. */
  expire(): void {
    this.timedOut = true;
    this.req?.destroy(Object.assign(new Error('attempt deadline'), { code: AxiosError.ETIMEDOUT }));
  }

  /** The caller aborted (its node closed): the request fails as canceled, which is never retried. */
  cancel(): void {
    this.req?.destroy(Object.assign(new Error('canceled'), { code: AxiosError.ERR_CANCELED }));
  }

  /** Frees the slot. */
  end(): void {
    this.req = undefined;
    this.release?.();
    this.release = undefined;
  }
}

type AttemptConfig = InternalAxiosRequestConfig & { signalwireAttempt?: Attempt };
/** A request as this client gives it to axios: its Attempt rides in the config to the adapter. */
type RequestConfig = AxiosRequestConfig & { signalwireAttempt: Attempt };

/**
 * The attempts on the wire: each ends at its deadline, all on one timer per client, and a
 * node's close ends its own, on one abort listener per node (its signal). A timer per attempt,
 * and the listener axios adds and removes for every request given a `signal`, cost more than
 * this bookkeeping on every request.
 */
class OnTheWire {
  private readonly deadlines = new Deadlines<Attempt>();
  private readonly bySignal = new WeakMap<AbortSignal, Set<Attempt>>();

  add(attempt: Attempt): void {
    this.deadlines.add(attempt);
    const signal = attempt.callerSignal;
    if (!signal) return;
    let mine = this.bySignal.get(signal);
    if (!mine) {
      const attempts = new Set<Attempt>();
      signal.addEventListener('abort', () => attempts.forEach((a) => a.cancel()), { once: true });
      this.bySignal.set(signal, attempts);
      mine = attempts;
    }
    mine.add(attempt);
  }

  delete(attempt: Attempt): void {
    this.deadlines.delete(attempt);
    if (attempt.callerSignal) this.bySignal.get(attempt.callerSignal)?.delete(attempt);
  }

  /** Stops the timer (the space node closes). */
  close(): void {
    this.deadlines.close();
  }
}

/**
 * One REST client per config node: a keep-alive axios instance with Basic auth, a deadline
 * per attempt and per request, retries with backoff, an in-flight limit with a bounded queue,
 * a space-wide pause on 429, and errors mapped to SignalWireError with every secret removed.
 * Every node using the space shares it, so the limit holds for the whole space.
 */
export class SignalWireClient {
  readonly settings: SpaceSettings;
  readonly limiter: Limiter;
  /** Every form of the credentials that must never appear in a text this package emits. */
  readonly secrets: readonly string[];
  /** Longest a request may take, from its call to its answer, retries and waits included. */
  readonly requestDeadlineMs: number;
  private readonly http: AxiosInstance;
  private readonly agent: http.Agent;
  private readonly maxRetryAfterMs: number;
  private readonly onTheWire = new OnTheWire();
  private readonly wire: Wire;
  /** `{apiRoot}/Accounts/{ProjectId}` and the root's suffix, worked out once: every request path starts and ends with them. */
  private readonly accountRoot: string;
  private readonly pathSuffix: string;
  /** The space's latest 429: when it came and the API's error body. */
  private rateLimited: { at: number; body: ApiErrorBody | undefined } | undefined;

  /** `debug` receives a line per retry (attempt, reason, delay); it never holds a credential. */
  constructor(settings: SpaceSettings, debug?: (line: string) => void) {
    this.settings = settings;
    this.limiter = new Limiter(settings.maxInFlight, settings.maxQueued);
    this.secrets = secretForms(settings.projectId, settings.apiToken);
    this.accountRoot = `${settings.endpoint.apiRoot}/Accounts/${encodeURIComponent(settings.projectId)}`;
    this.pathSuffix = apiPathSuffix(settings.endpoint.apiRoot);
    this.maxRetryAfterMs = settings.maxRetryAfterMs ?? DEFAULT_MAX_RETRY_AFTER_MS;
    const retryBaseMs = settings.retryBaseMs ?? DEFAULT_RETRY_BASE_MS;
    this.requestDeadlineMs = requestDeadline(settings.timeoutMs, settings.retries, retryBaseMs, this.maxRetryAfterMs);
    const isHttps = settings.endpoint.origin.startsWith('https:');
    // Basic auth written once, not encoded again for every request.
    this.wire = { transport: isHttps ? https : http, headers: { 'User-Agent': USER_AGENT, Authorization: basicAuth(settings.projectId, settings.apiToken) } };
    this.agent = isHttps
      ? new https.Agent({ keepAlive: true, maxSockets: settings.maxInFlight })
      : new http.Agent({ keepAlive: true, maxSockets: settings.maxInFlight });
    this.http = axios.create({
      baseURL: settings.endpoint.origin,
      // With no proxy variable set, axios would look for one on every request and find none.
      proxy: proxyFromEnvironment() ? undefined : false,
      // No idle timeout: each attempt has a deadline for the whole exchange (see Attempt).
      timeout: 0,
      httpAgent: isHttps ? undefined : this.agent,
      httpsAgent: isHttps ? this.agent : undefined,
      // The API never redirects; following one could carry the credentials to another origin.
      maxRedirects: 0,
      maxContentLength: MAX_RESPONSE_BYTES,
      // Bodies are parsed here, so an HTML or empty answer becomes a clear error, not a string.
      responseType: 'text',
      transformResponse: [(data: unknown) => data],
      // Every attempt (first or retry) holds a slot and has a deadline: axios's own http
      // adapter, wrapped. Not request/response interceptors: they cost a promise each per
      // request, and the slot is free at once nearly always.
      adapter: (config) => this.attempt(config as AttemptConfig),
    });
    const retry = axiosRetry(this.http, {
      retries: settings.retries,
      shouldResetTimeout: true,
      retryCondition: isRetryable,
      // A retry waits out its backoff watching the caller's signal (the first attempt is
      // not given it: see OnTheWire), so a node that closes meanwhile ends at once.
      onRetry: (_count, _error, config) => {
        config.signal ??= (config as AttemptConfig).signalwireAttempt?.callerSignal;
      },
      retryDelay: (attempt, error) => {
        const wanted = retryDelay(attempt, error, { baseMs: retryBaseMs, maxBackoffMs: MAX_BACKOFF_MS, maxRetryAfterMs: this.maxRetryAfterMs });
        // No backoff outlasts the request's deadline: the next attempt then gives up at once.
        const left = (error.config as AttemptConfig | undefined)?.signalwireAttempt?.deadlineAt;
        const delay = left === undefined ? wanted : Math.max(0, Math.min(wanted, left - Date.now()));
        debug?.(text('log.retry', { attempt, max: settings.retries, delay: Math.round(delay), reason: retryReason(error) }));
        return delay;
      },
    });
    // axios-retry's request hook only notes when each request started (read to shorten the next
    // attempt's axios timeout when shouldResetTimeout is false) and applies validateResponse:
    // neither is used here, and its response hook sets up the retry state when an attempt fails,
    // which is all the retries need. Without the request hook every request goes to the adapter
    // on axios's synchronous path instead of through a chain of promises (a few µs and about
    // 2 KB of garbage per request).
    this.http.interceptors.request.eject(retry.requestInterceptorId);
    // The User-Agent and the Basic auth: written by each attempt (see Attempt.request).
    leanDefaults(this.http, { Accept: 'application/json' });
  }

  /**
   * `{apiRoot}/Accounts/{ProjectId}` and the given path segments, each encoded, with the API
   * root's suffix: none under SignalWire's `/api/laml/2010-04-01`, `.json` under any other root
   * (Twilio's `/2010-04-01` and services like it answer nothing else). Every request path is
   * built here, whole: appending segments to a result would put them after the suffix.
   */
  accountPath(...segments: string[]): string {
    let path = this.accountRoot;
    for (const segment of segments) path += `/${encodeURIComponent(segment)}`;
    return path + this.pathSuffix;
  }

  /** `/api/laml/2010-04-01/Accounts/{ProjectId}/Conferences/{ConferenceSid}/Participants` */
  participantsPath(conferenceSid: string): string {
    return this.accountPath('Conferences', conferenceSid, 'Participants');
  }

  /** `.../Conferences/{ConferenceSid}/Participants/{CallSid}`: one participant (get, update, remove). */
  participantPath(conferenceSid: string, callSid: string): string {
    return this.accountPath('Conferences', conferenceSid, 'Participants', callSid);
  }

  /** `.../Conferences`: the account's conferences (a listing). */
  conferencesPath(): string {
    return this.accountPath('Conferences');
  }

  /** `.../Conferences/{ConferenceSid}`: one conference (get, update). */
  conferencePath(conferenceSid: string): string {
    return this.accountPath('Conferences', conferenceSid);
  }

  /** `.../Conferences/{ConferenceSid}/Recordings`: a conference's recordings (a listing). */
  recordingsPath(conferenceSid: string): string {
    return this.accountPath('Conferences', conferenceSid, 'Recordings');
  }

  /** `.../Conferences/{ConferenceSid}/Recordings/{Sid}`: one recording (get, update, delete). */
  recordingPath(conferenceSid: string, recordingSid: string): string {
    return this.accountPath('Conferences', conferenceSid, 'Recordings', recordingSid);
  }

  /** `GET /Accounts/{ProjectId}/Conferences/{Sid}`: the conference object. */
  getConference(conferenceSid: string, signal?: AbortSignal): Promise<Conference> {
    return this.getObject<Conference>(this.conferencePath(conferenceSid), 'conference', signal);
  }

  getParticipant(conferenceSid: string, callSid: string, signal?: AbortSignal): Promise<Participant> {
    return this.getObject<Participant>(this.participantPath(conferenceSid, callSid), 'participant', signal);
  }

  /** `GET /Accounts/{ProjectId}/Calls/{CallSid}`: the call (a participant's number and caller name are there). */
  getCall(callSid: string, signal?: AbortSignal): Promise<Call> {
    return this.getObject<Call>(this.accountPath('Calls', callSid), 'call', signal);
  }

  /** Cheapest authenticated call that needs the Voice scope: one conference of the account. */
  async checkCredentials(signal?: AbortSignal): Promise<void> {
    await this.getJson(this.conferencesPath(), { PageSize: 1 }, signal, 'account');
  }

  /**
   * GET a path on the space's own origin and parse its JSON, within the limits above. `about`:
   * what the path is (a 404 then says what was not found, see Subject).
   */
  getJson(path: string, params: object | undefined, signal?: AbortSignal, about?: Subject): Promise<unknown> {
    return this.get(path, params, signal, about, parseJson);
  }

  /** GET one resource: its JSON must be an object. */
  private getObject<T>(path: string, about: Subject, signal?: AbortSignal): Promise<T> {
    return this.get(path, undefined, signal, about, parseObject) as Promise<T>;
  }

  /** A GET whose answer `read` turns into the result. Plain promises, not async functions: one promise less per layer on every request. */
  private get<T>(path: string, params: object | undefined, signal: AbortSignal | undefined, about: Subject | undefined, read: (body: string) => T): Promise<T> {
    // request(), not get(): axios's method aliases merge the config once more before request() does.
    const config: RequestConfig = { method: 'get', url: path, signalwireAttempt: this.newAttempt(signal) };
    if (params) config.params = params;
    return this.http.request<string>(config).then(
      (res) => read(res.data),
      (err: unknown) => {
        throw this.failure(err, signal, about);
      },
    );
  }

  /**
   * A write: POST of a form-encoded body on the space's own origin, with the same slot,
   * deadlines, redaction and error mapping as a read. `retryCondition` (see writes.ts) decides
   * which failed attempts may be sent again: writes are retried only where twice does no harm.
   * Resolves to the JSON object the API answers.
   */
  async postForm(path: string, form: Record<string, string>, retryCondition: (error: AxiosError) => boolean, signal?: AbortSignal, about?: Subject): Promise<Record<string, unknown>> {
    const body = await this.write('post', path, new URLSearchParams(form).toString(), retryCondition, signal, about);
    return asObject(parseJson(body));
  }

  /** A DELETE (the API answers 204 with no body); retried as `retryCondition` allows. */
  async delete(path: string, retryCondition: (error: AxiosError) => boolean, signal?: AbortSignal, about?: Subject): Promise<void> {
    await this.write('delete', path, undefined, retryCondition, signal, about);
  }

  private async write(method: 'post' | 'delete', path: string, data: string | undefined, retryCondition: (error: AxiosError) => boolean, signal?: AbortSignal, about?: Subject): Promise<string> {
    try {
      const config: RequestConfig = {
        method,
        url: path,
        data,
        signalwireAttempt: this.newAttempt(signal),
        headers: data === undefined ? undefined : { 'Content-Type': 'application/x-www-form-urlencoded' },
        'axios-retry': { retryCondition },
      };
      const res = await this.http.request<string>(config);
      return typeof res.data === 'string' ? res.data : '';
    } catch (err) {
      throw this.failure(err, signal, about);
    }
  }

  /** A failed request as this package's error: past its deadline, or mapped and redacted. */
  private failure(err: unknown, signal: AbortSignal | undefined, about: Subject | undefined): SignalWireError {
    const attempt = (err instanceof AxiosError ? (err.config as AttemptConfig | undefined) : undefined)?.signalwireAttempt;
    if (attempt?.expired && attempt.timedOut && !signal?.aborted) return this.gaveUp(attempt);
    return this.redact(mapAxiosError(err, signal, this.settings.timeoutMs, this.secrets, about));
  }

  /** Removes every credential form from an error about this space. */
  redact(err: SignalWireError): SignalWireError {
    return redactError(err, this.secrets);
  }

  /** Frees the keep-alive sockets, the pause timer and the attempts' timer when the config node closes. */
  close(): void {
    this.limiter.close();
    this.onTheWire.close();
    this.agent.destroy();
  }

  private newAttempt(signal: AbortSignal | undefined): Attempt {
    return new Attempt(signal, this.requestDeadlineMs);
  }

  /**
   * One attempt, first or retry (the axios adapter): a slot (waiting for it, or for the end of
   * a pause, counts against the request's deadline), then axios's http adapter.
   */
  private attempt(config: AttemptConfig): Promise<AxiosResponse> {
    const attempt = (config.signalwireAttempt ??= this.newAttempt(undefined));
    const free = attempt.callerSignal?.aborted || attempt.expired ? undefined : this.limiter.tryAcquire();
    if (free) return this.send(config, attempt, free);
    return this.limiter.acquire(attempt.callerSignal, { at: attempt.deadlineAt, error: () => this.gaveUp(attempt) }).then((release) => this.send(config, attempt, release));
  }

  private send(config: AttemptConfig, attempt: Attempt, release: Release): Promise<AxiosResponse> {
    attempt.begin(release, this.settings.timeoutMs, this.wire);
    this.onTheWire.add(attempt);
    config.transport = attempt;
    return httpAdapter(config).then(
      (res) => {
        this.endAttempt(attempt);
        return res;
      },
      (err: unknown) => {
        this.endAttempt(attempt, err);
        throw err;
      },
    );
  }

  /**
   * The error of a request past its deadline. When the space answered 429 since the request was
   * made (to it or to any request: a 429 pauses them all), that is why it waited: the error says
   * so and keeps the status and the API's error body, so a Catch flow can back off on 429.
   */
  private gaveUp(attempt: Attempt): SignalWireError {
    const seconds = this.requestDeadlineMs / 1000;
    const limited = this.rateLimited;
    if (limited && limited.at >= attempt.startedAt) return new SignalWireError('http', 'rate-limited-gave-up', { seconds }, { statusCode: 429, body: limited.body });
    return new SignalWireError('timeout', 'gave-up', { seconds });
  }

  /** Frees the slot before a retry waits; says why a failed attempt failed. */
  private endAttempt(attempt: Attempt, err?: unknown): void {
    attempt.end();
    this.onTheWire.delete(attempt);
    if (!(err instanceof AxiosError)) return;
    // The caller's abort is never retried; a destroyed attempt says what happened, and the
    // retry condition sees a timeout.
    if (attempt.callerSignal?.aborted) err.code = AxiosError.ERR_CANCELED;
    else if (attempt.timedOut) err.code = AxiosError.ETIMEDOUT;
    // The server asked this client, not one message, to slow down.
    if (err.response?.status === 429) {
      this.rateLimited = { at: Date.now(), body: fromHttpResponse(429, err.response.data, this.secrets).body };
      const wait = parseRetryAfter(err.response.headers?.['retry-after']);
      if (wait !== undefined) this.limiter.pause(Math.min(wait, this.maxRetryAfterMs));
    }
  }
}

/**
 * The longest one request can take, whatever the server does: every attempt's timeout, before
 * each retry the longer of its capped backoff and the Retry-After cap, and one timeout more
 * for a turn in the queue. 140 s with the defaults (10 s, 3 retries, 30 s). Enforced without a
 * timer of its own: waits for a slot, backoffs and attempts are each cut to what is left.
 */
export function requestDeadline(timeoutMs: number, retries: number, retryBaseMs: number, maxRetryAfterMs: number): number {
  let waits = 0;
  for (let i = 1; i <= retries; i++) waits += Math.max(backoffCap(i, retryBaseMs, MAX_BACKOFF_MS), maxRetryAfterMs);
  return (retries + 2) * timeoutMs + waits;
}

/**
 * axios.create copies axios's global defaults into the instance, and every request deep-copies
 * the instance's defaults again. Some serve nothing here and cost about a tenth of a request's
 * CPU: the header buckets per method (`headers` replaces them: this client sends no others
 * but those its attempts and writes add), the browser's XSRF cookie names, the FormData
 * and Blob classes (every body here is a string), and a copy of the transitional options
 * (axios falls back to its own, the same ones).
 */
function leanDefaults(instance: AxiosInstance, headers: Record<string, string>): void {
  const defaults = instance.defaults as unknown as Record<string, unknown>;
  defaults.headers = headers;
  for (const key of ['xsrfCookieName', 'xsrfHeaderName', 'env', 'transitional']) delete defaults[key];
}

/** An answer's JSON; an empty or non-JSON answer is a clear error. */
function parseJson(body: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    throw body.trim() === '' ? badResponse('empty-body', {}, { statusCode: 200 }) : badResponse('not-json', {}, { statusCode: 200 });
  }
}

/** An answer that must be one resource's JSON. */
function parseObject(body: string): Record<string, unknown> {
  return asObject(parseJson(body));
}

/** The JSON of one resource: an object, not an array or a plain value. */
function asObject(json: unknown): Record<string, unknown> {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw badResponse('not-object', {}, { statusCode: 200 });
  return json as Record<string, unknown>;
}

function basicAuth(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
}

/** Whether any variable that axios reads for a proxy is set (it reads lower case, then upper). */
function proxyFromEnvironment(): boolean {
  return ['http_proxy', 'https_proxy', 'all_proxy'].some((name) => !!(process.env[name] || process.env[name.toUpperCase()]));
}

/** Only the facts of an axios error survive: its config holds the Authorization header. */
export function mapAxiosError(err: unknown, signal: AbortSignal | undefined, timeoutMs: number, secrets: readonly string[] = [], about?: Subject): SignalWireError {
  if (signal?.aborted) return abortError();
  if (err instanceof SignalWireError) return err;
  if (axios.isCancel(err) && !(err instanceof AxiosError && err.code === AxiosError.ETIMEDOUT)) return abortError();
  if (!(err instanceof AxiosError)) {
    return new SignalWireError('connection', 'request-failed', { message: quote(String((err as Error)?.message ?? err)) });
  }
  const attempts = ((err.config as { 'axios-retry'?: { retryCount?: number } } | undefined)?.['axios-retry']?.retryCount ?? 0) + 1;
  if (err.response) return fromHttpResponse(err.response.status, err.response.data, secrets, attempts, about);
  if (err.code === AxiosError.ETIMEDOUT || err.code === AxiosError.ECONNABORTED) {
    return new SignalWireError('timeout', 'timeout', { seconds: timeoutMs / 1000 }, { attempts });
  }
  if (err.code === 'ECONNREFUSED' || err.code === 'ENOTFOUND' || err.code === 'EAI_AGAIN' || err.code === 'EHOSTUNREACH' || err.code === 'ENETUNREACH') {
    return new SignalWireError('unreachable', 'unreachable', { code: err.code }, { attempts });
  }
  if (isTooLarge(err)) return badResponse('too-large', { mib: MAX_RESPONSE_BYTES / 1048576 });
  const detail = quote(err.message) + (err.code ? ` (${err.code})` : '');
  return new SignalWireError('connection', 'connection', { detail }, { attempts });
}

/** Why an attempt is retried, from facts that hold no credential: a status or an error code. */
function retryReason(err: AxiosError): string {
  if (err.response) return `HTTP ${err.response.status}`;
  return err.code === AxiosError.ETIMEDOUT ? text('status.timeout') : (err.code ?? text('status.connection'));
}

function isTooLarge(err: AxiosError): boolean {
  return err.code === 'ERR_FR_MAX_CONTENT_LENGTH_EXCEEDED' || (err.code === AxiosError.ERR_BAD_RESPONSE && /maxContentLength/.test(err.message));
}
