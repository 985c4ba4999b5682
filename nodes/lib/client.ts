import http from 'node:http';
import https from 'node:https';
import axios, { AxiosError, type AxiosInstance } from 'axios';
import axiosRetry from 'axios-retry';
import { abortError, fromHttpResponse, SignalWireError } from './errors';
import { Limiter } from './limiter';
import { isRetryable, retryDelay } from './retry';
import type { ListQuery, Participant, ParticipantPage, SpaceSettings } from './types';

const USER_AGENT = `node-red-contrib-signalwire/${readVersion()}`;
const MAX_RESPONSE_BYTES = 32 * 1024 * 1024;

function readVersion(): string {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require('../../../package.json') as { version: string }).version;
  } catch {
    return 'dev';
  }
}

/**
 * One REST client per config node: a keep-alive axios instance with Basic auth, a timeout
 * per attempt, retries with backoff, an in-flight limit and errors mapped to SignalWireError.
 * Every node using the space shares it, so the limit holds for the whole space.
 */
export class SignalWireClient {
  readonly settings: SpaceSettings;
  readonly limiter: Limiter;
  private readonly http: AxiosInstance;
  private readonly agent: http.Agent;

  constructor(settings: SpaceSettings) {
    this.settings = settings;
    this.limiter = new Limiter(settings.maxInFlight);
    const isHttps = settings.endpoint.origin.startsWith('https:');
    this.agent = isHttps
      ? new https.Agent({ keepAlive: true, maxSockets: settings.maxInFlight })
      : new http.Agent({ keepAlive: true, maxSockets: settings.maxInFlight });
    this.http = axios.create({
      baseURL: settings.endpoint.origin,
      auth: { username: settings.projectId, password: settings.apiToken },
      timeout: settings.timeoutMs,
      httpAgent: isHttps ? undefined : this.agent,
      httpsAgent: isHttps ? this.agent : undefined,
      // The API never redirects; following one could carry the credentials to another origin.
      maxRedirects: 0,
      maxContentLength: MAX_RESPONSE_BYTES,
      // Bodies are parsed here, so an HTML or empty answer becomes a clear error, not a string.
      responseType: 'text',
      transformResponse: [(data: unknown) => data],
      headers: { Accept: 'application/json', 'User-Agent': USER_AGENT },
    });
    axiosRetry(this.http, {
      retries: settings.retries,
      shouldResetTimeout: true,
      retryCondition: isRetryable,
      retryDelay: (attempt, error) =>
        retryDelay(attempt, error, {
          baseMs: settings.retryBaseMs ?? 500,
          maxBackoffMs: 20_000,
          maxRetryAfterMs: settings.maxRetryAfterMs ?? 30_000,
        }),
    });
  }

  /** `/api/laml/2010-04-01/Accounts/{ProjectId}/Conferences/{ConferenceSid}/Participants` */
  participantsPath(conferenceSid: string): string {
    const { apiRoot } = this.settings.endpoint;
    return `${apiRoot}/Accounts/${encodeURIComponent(this.settings.projectId)}/Conferences/${encodeURIComponent(conferenceSid)}/Participants`;
  }

  /** One page: the first request of a listing (path + query) or a followed next_page_uri. */
  async getPage(path: string, query?: ListQuery, signal?: AbortSignal): Promise<ParticipantPage> {
    const body = await this.getJson(path, query, signal);
    if (!isParticipantPage(body)) {
      throw new SignalWireError('bad-response', 'SignalWire 200: the list response has no "participants" array');
    }
    return body;
  }

  async getParticipant(conferenceSid: string, callSid: string, signal?: AbortSignal): Promise<Participant> {
    const body = await this.getJson(`${this.participantsPath(conferenceSid)}/${encodeURIComponent(callSid)}`, undefined, signal);
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      throw new SignalWireError('bad-response', 'SignalWire 200: the participant response is not a JSON object');
    }
    return body as Participant;
  }

  /** Cheapest authenticated call that needs the Voice scope: one conference of the account. */
  async checkCredentials(signal?: AbortSignal): Promise<void> {
    const { apiRoot } = this.settings.endpoint;
    await this.getJson(`${apiRoot}/Accounts/${encodeURIComponent(this.settings.projectId)}/Conferences`, { PageSize: 1 }, signal);
  }

  /** GET a path on the space's own origin and parse its JSON, within the in-flight limit. */
  async getJson(path: string, params: object | undefined, signal?: AbortSignal): Promise<unknown> {
    return this.limiter.run(async () => {
      let text: string;
      try {
        const res = await this.http.get<string>(path, { params, signal });
        text = res.data;
      } catch (err) {
        throw mapAxiosError(err, signal, this.settings.timeoutMs);
      }
      try {
        return JSON.parse(text) as unknown;
      } catch {
        const what = text.trim() === '' ? 'an empty body' : 'a body that is not JSON';
        throw new SignalWireError('bad-response', `SignalWire 200: the response is ${what}`, 200);
      }
    }, signal);
  }

  /** Frees the keep-alive sockets when the config node closes. */
  close(): void {
    this.agent.destroy();
  }
}

function isParticipantPage(body: unknown): body is ParticipantPage {
  return body !== null && typeof body === 'object' && Array.isArray((body as ParticipantPage).participants);
}

/** Only the facts of an axios error survive: its config holds the Authorization header. */
export function mapAxiosError(err: unknown, signal: AbortSignal | undefined, timeoutMs: number): SignalWireError {
  if (signal?.aborted || axios.isCancel(err)) return abortError();
  if (!(err instanceof AxiosError)) {
    return new SignalWireError('connection', `SignalWire request failed: ${(err as Error)?.message ?? String(err)}`);
  }
  const attempts = (err.config as { 'axios-retry'?: { retryCount?: number } } | undefined)?.['axios-retry']?.retryCount ?? 0;
  const after = attempts > 0 ? ` (after ${attempts + 1} attempts)` : '';
  if (err.response) {
    const e = fromHttpResponse(err.response.status, err.response.data);
    if (after) e.message += after;
    return e;
  }
  if (err.code === 'ECONNABORTED' || err.code === 'ETIMEDOUT') {
    return new SignalWireError('timeout', `SignalWire request timed out after ${timeoutMs / 1000} s${after}`);
  }
  if (err.code === 'ECONNREFUSED' || err.code === 'ENOTFOUND' || err.code === 'EAI_AGAIN' || err.code === 'EHOSTUNREACH' || err.code === 'ENETUNREACH') {
    return new SignalWireError('unreachable', `SignalWire unreachable: ${err.code}${after}`);
  }
  if (err.code === 'ERR_FR_MAX_CONTENT_LENGTH_EXCEEDED') {
    return new SignalWireError('bad-response', `SignalWire response larger than ${MAX_RESPONSE_BYTES / 1048576} MiB refused`);
  }
  return new SignalWireError('connection', `SignalWire connection failed: ${err.message}${err.code ? ` (${err.code})` : ''}${after}`);
}
