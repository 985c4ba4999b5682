// Drives a FakeSpace conference over time and POSTs signed conference status callbacks,
// as SignalWire does for <Conference statusCallback=...>: form-encoded, signed with
// X-SignalWire-Signature, best effort (optionally repeated, late so that later ones overtake
// them, signed over the URL with the default port written out).
import { randomBytes } from 'node:crypto';
import { AREA_CODES, SPACE_NUMBER } from './calls';
import type { FakeSpace } from './fake-space';
import type { FakeParticipant } from './participants';
import { rfc2822 } from './rfc2822';
import { computeSignature, withDefaultPort, withoutDefaultPort } from './signature';

export { computeSignature, validateSignature, withDefaultPort, withoutDefaultPort } from './signature';

export type StatusCallbackEvent =
  | 'conference-start'
  | 'conference-end'
  | 'participant-join'
  | 'participant-leave'
  | 'participant-mute'
  | 'participant-unmute'
  | 'participant-hold'
  | 'participant-unhold';

export interface SimEvent {
  event: StatusCallbackEvent;
  callSid: string | null;
  /** The form parameters POSTed (or that would be, without a callbackUrl). */
  params: Record<string, string>;
  /** Its callback is held back `lateMs` (decided when the event happens, by lateRate). */
  late: boolean;
  /** Its callback is POSTed twice, identical (by repeatRate). */
  repeated: boolean;
}

export interface SimEventResult extends SimEvent {
  /** true: answered 2xx; false: failed (counted in callbackFailures); null: no callbackUrl. */
  delivered: boolean | null;
  /** The URL the signature was computed over ('' without a callbackUrl). */
  signedUrl: string;
}

/**
 * Which form of the URL the signature covers. SignalWire is not consistent about the default
 * port: 'as-given' signs over the URL exactly as given, 'explicit' with the scheme's default
 * port written out (`https://host:443/...`), 'omitted' without it, 'mixed' one of those two at
 * random for each callback.
 */
export type SignaturePort = 'as-given' | 'explicit' | 'omitted' | 'mixed';

export interface ConferenceSimulatorOptions {
  space: FakeSpace;
  callbackUrl?: string;
  /** More URLs each callback is also POSTed to, each signed over itself (a second listener). */
  alsoTo?: string[];
  signingKey?: string;
  friendlyName?: string;
  /** The SID of the conference start() creates (random by default), so a flow can know it first. */
  conferenceSid?: string;
  intervalMs?: number;
  maxParticipants?: number;
  random?: () => number;
  /** Called synchronously after each state change, before its callback is POSTed. */
  onEvent?: (e: SimEvent) => void;
  /** Callback request timeout (default 5000 ms). */
  callbackTimeoutMs?: number;
  /**
   * The URL the signature is computed over: the one SignalWire was given as statusCallback
   * (behind a proxy or tunnel it differs from callbackUrl, where the POST goes). Default: callbackUrl.
   */
  signatureUrl?: string;
  /** Default 'as-given'. */
  signaturePort?: SignaturePort;
  /** Share of callbacks (0..1) POSTed twice, identical, as SignalWire sometimes does. Default 0. */
  repeatRate?: number;
  /** Pause before the identical second POST, ms (default 0: right after the first is answered). */
  repeatDelayMs?: number;
  /** Share of callbacks (0..1) held back `lateMs`, so that callbacks after them arrive first. Default 0. */
  lateRate?: number;
  /** How long a late callback is held back, ms (default 1.5 x intervalMs). */
  lateMs?: number;
  /**
   * Give some callers a caller name (caller_name of their call). Off by default: the vendor spec
   * says caller_name is always null; on imitates a Twilio-compatible service with CNAM.
   */
  callerNames?: boolean;
  /** Add Twilio's `SequenceNumber` parameter. Off by default: SignalWire does not list it. */
  sequenceNumbers?: boolean;
}

const NAMES = ['Ada Lovelace', 'Grace Hopper', 'Alan Turing', 'Katherine Johnson', 'Edsger Dijkstra', 'Barbara Liskov', 'Donald Knuth', 'Frances Allen'];

export class ConferenceSimulator {
  readonly space: FakeSpace;
  readonly callbackUrl: string | undefined;
  readonly alsoTo: string[];
  readonly signingKey: string;
  readonly friendlyName: string;
  readonly intervalMs: number;
  readonly maxParticipants: number;
  readonly signatureUrl: string | undefined;
  readonly callerNames: boolean;
  readonly sequenceNumbers: boolean;
  /** Delivery quirks: may be changed at any time, e.g. to make only the next callback late. */
  signaturePort: SignaturePort;
  repeatRate: number;
  repeatDelayMs: number;
  lateRate: number;
  lateMs: number;
  /** Callbacks POSTed twice / held back so far. */
  repeats = 0;
  lateCallbacks = 0;
  /** '' until start(). */
  conferenceSid = '';
  private readonly presetConferenceSid: string | undefined;
  callbacksSent = 0;
  callbackFailures = 0;
  lastCallbackError: unknown = undefined;
  sequenceNumber = 0;

  private readonly random: () => number;
  private readonly onEvent: ((e: SimEvent) => void) | undefined;
  private readonly callbackTimeoutMs: number;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private readonly inflight = new Set<AbortController>();
  private readonly holds = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();

  constructor(opts: ConferenceSimulatorOptions) {
    this.space = opts.space;
    this.callbackUrl = opts.callbackUrl;
    this.alsoTo = opts.alsoTo ?? [];
    this.signingKey = opts.signingKey ?? `PSK_${randomBytes(16).toString('hex')}`;
    this.friendlyName = opts.friendlyName ?? 'demo-conference';
    this.presetConferenceSid = opts.conferenceSid;
    this.intervalMs = opts.intervalMs ?? 3000;
    this.maxParticipants = Math.max(1, opts.maxParticipants ?? 8);
    this.random = opts.random ?? Math.random;
    this.onEvent = opts.onEvent;
    this.callbackTimeoutMs = opts.callbackTimeoutMs ?? 5000;
    this.signatureUrl = opts.signatureUrl;
    this.signaturePort = opts.signaturePort ?? 'as-given';
    this.repeatRate = opts.repeatRate ?? 0;
    this.repeatDelayMs = opts.repeatDelayMs ?? 0;
    this.lateRate = opts.lateRate ?? 0;
    this.lateMs = opts.lateMs ?? Math.round(this.intervalMs * 1.5);
    this.callerNames = opts.callerNames ?? false;
    this.sequenceNumbers = opts.sequenceNumbers ?? false;
  }

  get running(): boolean {
    return this.timer !== null;
  }

  /** Creates the conference with 3 participants, starts the timer, resolves once the first callbacks are answered (late ones too). */
  async start(): Promise<void> {
    if (this.conferenceSid) throw new Error('ConferenceSimulator already started');
    this.stopped = false;
    this.conferenceSid = this.space.addConference(this.presetConferenceSid, { friendly_name: this.friendlyName });
    const events: SimEvent[] = [this.conferenceEvent('conference-start')];
    for (let i = 0; i < Math.min(3, this.maxParticipants); i++) events.push(this.join());
    this.timer = setInterval(() => {
      void this.step().catch(() => undefined); // step never rejects for callback failures; be safe anyway
    }, this.intervalMs);
    // Sequential, so the receiver sees conference-start before the joins; a late one is
    // overtaken by those after it.
    const held: Promise<unknown>[] = [];
    for (const e of events) {
      const posted = this.post(e);
      if (e.late) held.push(posted);
      else await posted;
    }
    await Promise.all(held);
  }

  /** One random event: state changes now, the promise settles when its callback is answered or failed. */
  step(): Promise<SimEventResult> {
    if (!this.conferenceSid || this.stopped) return Promise.reject(new Error('ConferenceSimulator is not running'));
    const ps = this.space.participants(this.conferenceSid);
    const kinds: ('join' | 'leave' | 'mute' | 'hold')[] = [];
    if (ps.length < this.maxParticipants) kinds.push('join');
    if (ps.length > 1) kinds.push('leave');
    if (ps.length > 0) kinds.push('mute', 'hold');
    const kind = this.pick(kinds);
    let e: SimEvent;
    if (kind === 'join') e = this.join();
    else {
      const p = this.pick(ps);
      if (kind === 'leave') {
        this.space.removeParticipant(this.conferenceSid, p.call_sid);
        e = this.participantEvent('participant-leave', { ...p, status: 'completed' });
      } else if (kind === 'mute') {
        const q = this.space.updateParticipant(this.conferenceSid, p.call_sid, { muted: !p.muted });
        e = this.participantEvent(q.muted ? 'participant-mute' : 'participant-unmute', q);
      } else {
        const q = this.space.updateParticipant(this.conferenceSid, p.call_sid, { hold: !p.hold });
        e = this.participantEvent(q.hold ? 'participant-hold' : 'participant-unhold', q);
      }
    }
    return this.post(e).then((d) => ({ ...e, ...d }));
  }

  /** Clears the timer, drops late callbacks and aborts callbacks in flight; nothing is POSTed afterwards. */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    for (const h of this.holds) {
      clearTimeout(h.timer);
      h.resolve();
    }
    this.holds.clear();
    for (const ac of this.inflight) ac.abort();
    this.inflight.clear();
  }

  /** Ends the conference: every participant leaves the FakeSpace (the list becomes empty), conference-end is POSTed, then stop(). */
  async end(): Promise<SimEventResult> {
    if (!this.conferenceSid || this.stopped) throw new Error('ConferenceSimulator is not running');
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    for (const p of this.space.participants(this.conferenceSid)) this.space.removeParticipant(this.conferenceSid, p.call_sid);
    const e = this.conferenceEvent('conference-end');
    const d = await this.post(e);
    this.stop();
    return { ...e, ...d };
  }

  // ---------------------------------------------------------------- events

  private pick<T>(xs: readonly T[]): T {
    return xs[Math.min(xs.length - 1, Math.floor(this.random() * xs.length))];
  }

  /** A caller dials in: a participant of the FakeSpace with an inbound call from a fictional number. */
  private join(): SimEvent {
    const from = `+1${this.pick(AREA_CODES)}5550${100 + Math.min(99, Math.floor(this.random() * 100))}`;
    const callerName = this.callerNames && this.random() < 0.5 ? this.pick(NAMES) : null;
    const p = this.space.addParticipant(this.conferenceSid, {}, { from, to: SPACE_NUMBER, direction: 'inbound', callerName });
    return this.participantEvent('participant-join', p);
  }

  private baseParams(event: StatusCallbackEvent): Record<string, string> {
    const params: Record<string, string> = {
      AccountSid: this.space.projectId,
      ConferenceSid: this.conferenceSid,
      FriendlyName: this.friendlyName,
      StatusCallbackEvent: event,
      Timestamp: rfc2822(),
      ApiVersion: '2010-04-01',
    };
    this.sequenceNumber++;
    if (this.sequenceNumbers) params.SequenceNumber = String(this.sequenceNumber);
    return params;
  }

  private conferenceEvent(event: 'conference-start' | 'conference-end'): SimEvent {
    return this.emit(event, null, this.baseParams(event));
  }

  /** The participant's fields and the standard call parameters, from its call in the FakeSpace. */
  private participantEvent(event: StatusCallbackEvent, p: FakeParticipant): SimEvent {
    const call = this.space.call(p.call_sid);
    const params: Record<string, string> = {
      ...this.baseParams(event),
      CallSid: p.call_sid,
      Muted: String(p.muted),
      Hold: String(p.hold),
      EndConferenceOnExit: String(p.end_conference_on_exit),
      StartConferenceOnEnter: String(p.start_conference_on_enter),
      CallStatus: call?.status ?? p.status,
      From: call?.from ?? '',
      To: call?.to ?? SPACE_NUMBER,
      Direction: call?.direction ?? 'inbound',
    };
    return this.emit(event, p.call_sid, params);
  }

  private emit(event: StatusCallbackEvent, callSid: string | null, params: Record<string, string>): SimEvent {
    // Without a callbackUrl nothing is delivered, so nothing is late or repeated either.
    const e: SimEvent = { event, callSid, params, late: false, repeated: false };
    if (this.callbackUrl) {
      e.late = this.chance(this.lateRate);
      e.repeated = this.chance(this.repeatRate);
    }
    try {
      this.onEvent?.(e);
    } catch {
      // a listener's bug must not break the simulation timer
    }
    return e;
  }

  // ---------------------------------------------------------------- delivery

  private chance(rate: number): boolean {
    // No random draw at rate 0, so a seeded run without quirks keeps its sequence of events.
    return rate > 0 && (rate >= 1 || this.random() < rate);
  }

  /** The URL the next callback's signature covers. */
  private signedUrlFor(url: string): string {
    const given = this.signatureUrl ?? url;
    const form = this.signaturePort === 'mixed' ? (this.random() < 0.5 ? 'explicit' : 'omitted') : this.signaturePort;
    if (form === 'explicit') return withDefaultPort(given);
    if (form === 'omitted') return withoutDefaultPort(given);
    return given;
  }

  /** Resolves after ms, or at once when stop() is called meanwhile. */
  private hold(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const h = {
        timer: setTimeout(() => {
          this.holds.delete(h);
          resolve();
        }, ms),
        resolve,
      };
      this.holds.add(h);
    });
  }

  /**
   * Best effort, like the real service: failures are counted, never thrown. A late callback is
   * held back first; a repeated one is POSTed again, identical, after the first is answered.
   */
  private async post(e: SimEvent): Promise<Pick<SimEventResult, 'delivered' | 'signedUrl'>> {
    const url = this.callbackUrl;
    if (!url) return { delivered: null, signedUrl: '' };
    const signedUrl = this.signedUrlFor(url);
    const signature = computeSignature(signedUrl, e.params, this.signingKey);
    const result = { delivered: false, signedUrl };
    if (this.stopped) return result;
    if (e.late) {
      this.lateCallbacks++;
      await this.hold(this.lateMs);
    }
    result.delivered = await this.send(url, e.params, signature);
    for (const other of this.alsoTo) await this.send(other, e.params, computeSignature(other, e.params, this.signingKey));
    if (e.repeated && !this.stopped) {
      this.repeats++;
      if (this.repeatDelayMs > 0) await this.hold(this.repeatDelayMs);
      await this.send(url, e.params, signature);
    }
    return result;
  }

  private async send(url: string, params: Record<string, string>, signature: string): Promise<boolean> {
    if (this.stopped) return false;
    const ac = new AbortController();
    this.inflight.add(ac);
    const timeout = setTimeout(() => ac.abort(), this.callbackTimeoutMs);
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/x-www-form-urlencoded',
          'X-SignalWire-Signature': signature,
        },
        body: new URLSearchParams(params).toString(),
        redirect: 'manual', // a status callback is not re-sent elsewhere
        signal: ac.signal,
      });
      await res.arrayBuffer(); // drain, so the keep-alive connection is reusable
      if (res.status < 200 || res.status > 299) throw new Error(`callback answered HTTP ${res.status}`);
      this.callbacksSent++;
      return true;
    } catch (err) {
      // Aborted by stop(): not a delivery failure of the receiver.
      if (!(this.stopped && ac.signal.aborted)) {
        this.callbackFailures++;
        this.lastCallbackError = err;
      }
      return false;
    } finally {
      clearTimeout(timeout);
      this.inflight.delete(ac);
    }
  }
}
