// Drives a FakeSpace conference over time and POSTs signed conference status callbacks,
// as SignalWire does for <Conference statusCallback=...>.
import { randomBytes } from 'node:crypto';
import type { FakeSpace } from './fake-space';
import type { FakeParticipant } from './participants';
import { rfc2822 } from './rfc2822';
import { computeSignature } from './signature';

export { computeSignature, validateSignature } from './signature';

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
}

export interface SimEventResult extends SimEvent {
  /** true: answered 2xx; false: failed (counted in callbackFailures); null: no callbackUrl. */
  delivered: boolean | null;
}

export interface ConferenceSimulatorOptions {
  space: FakeSpace;
  callbackUrl?: string;
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
}

const CONFERENCE_NUMBER = '+15550100000';

export class ConferenceSimulator {
  readonly space: FakeSpace;
  readonly callbackUrl: string | undefined;
  readonly signingKey: string;
  readonly friendlyName: string;
  readonly intervalMs: number;
  readonly maxParticipants: number;
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
  private readonly callers = new Map<string, string>(); // call_sid -> From number

  constructor(opts: ConferenceSimulatorOptions) {
    this.space = opts.space;
    this.callbackUrl = opts.callbackUrl;
    this.signingKey = opts.signingKey ?? `PSK_${randomBytes(16).toString('hex')}`;
    this.friendlyName = opts.friendlyName ?? 'demo-conference';
    this.presetConferenceSid = opts.conferenceSid;
    this.intervalMs = opts.intervalMs ?? 3000;
    this.maxParticipants = Math.max(1, opts.maxParticipants ?? 8);
    this.random = opts.random ?? Math.random;
    this.onEvent = opts.onEvent;
    this.callbackTimeoutMs = opts.callbackTimeoutMs ?? 5000;
  }

  get running(): boolean {
    return this.timer !== null;
  }

  /** Creates the conference with 3 participants, starts the timer, resolves once the first callbacks are answered. */
  async start(): Promise<void> {
    if (this.conferenceSid) throw new Error('ConferenceSimulator already started');
    this.stopped = false;
    this.conferenceSid = this.space.addConference(this.presetConferenceSid);
    const events: SimEvent[] = [this.conferenceEvent('conference-start')];
    for (let i = 0; i < Math.min(3, this.maxParticipants); i++) events.push(this.join());
    this.timer = setInterval(() => {
      void this.step().catch(() => undefined); // step never rejects for callback failures; be safe anyway
    }, this.intervalMs);
    // Sequential, so the receiver sees conference-start before the joins.
    for (const e of events) await this.post(e.params);
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
        this.callers.delete(p.call_sid);
      } else if (kind === 'mute') {
        const q = this.space.updateParticipant(this.conferenceSid, p.call_sid, { muted: !p.muted });
        e = this.participantEvent(q.muted ? 'participant-mute' : 'participant-unmute', q);
      } else {
        const q = this.space.updateParticipant(this.conferenceSid, p.call_sid, { hold: !p.hold });
        e = this.participantEvent(q.hold ? 'participant-hold' : 'participant-unhold', q);
      }
    }
    return this.post(e.params).then((delivered) => ({ ...e, delivered }));
  }

  /** Clears the timer and aborts callbacks in flight; nothing is POSTed afterwards. */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    for (const ac of this.inflight) ac.abort();
    this.inflight.clear();
  }

  /** Ends the conference: every participant leaves the FakeSpace (the list becomes empty), conference-end is POSTed, then stop(). */
  async end(): Promise<SimEventResult> {
    if (!this.conferenceSid || this.stopped) throw new Error('ConferenceSimulator is not running');
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    for (const p of this.space.participants(this.conferenceSid)) this.space.removeParticipant(this.conferenceSid, p.call_sid);
    this.callers.clear();
    const e = this.conferenceEvent('conference-end');
    const delivered = await this.post(e.params);
    this.stop();
    return { ...e, delivered };
  }

  // ---------------------------------------------------------------- events

  private pick<T>(xs: readonly T[]): T {
    return xs[Math.min(xs.length - 1, Math.floor(this.random() * xs.length))];
  }

  private join(): SimEvent {
    const p = this.space.addParticipant(this.conferenceSid);
    let n = '';
    for (let i = 0; i < 7; i++) n += Math.min(9, Math.floor(this.random() * 10));
    this.callers.set(p.call_sid, `+1555${n}`);
    return this.participantEvent('participant-join', p);
  }

  private baseParams(event: StatusCallbackEvent): Record<string, string> {
    return {
      AccountSid: this.space.projectId,
      ConferenceSid: this.conferenceSid,
      FriendlyName: this.friendlyName,
      StatusCallbackEvent: event,
      Timestamp: rfc2822(),
      ApiVersion: '2010-04-01',
      SequenceNumber: String(++this.sequenceNumber),
    };
  }

  private conferenceEvent(event: 'conference-start' | 'conference-end'): SimEvent {
    return this.emit({ event, callSid: null, params: this.baseParams(event) });
  }

  private participantEvent(event: StatusCallbackEvent, p: FakeParticipant): SimEvent {
    const params: Record<string, string> = {
      ...this.baseParams(event),
      CallSid: p.call_sid,
      Muted: String(p.muted),
      Hold: String(p.hold),
      EndConferenceOnExit: String(p.end_conference_on_exit),
      StartConferenceOnEnter: String(p.start_conference_on_enter),
      CallStatus: p.status,
      From: this.callers.get(p.call_sid) ?? '+15550000000',
      To: CONFERENCE_NUMBER,
      Direction: 'inbound',
    };
    return this.emit({ event, callSid: p.call_sid, params });
  }

  private emit(e: SimEvent): SimEvent {
    try {
      this.onEvent?.(e);
    } catch {
      // a listener's bug must not break the simulation timer
    }
    return e;
  }

  // ---------------------------------------------------------------- delivery

  /** Best effort, like the real service: failures are counted, never thrown. */
  private async post(params: Record<string, string>): Promise<boolean | null> {
    const url = this.callbackUrl;
    if (!url) return null;
    if (this.stopped) return false;
    const ac = new AbortController();
    this.inflight.add(ac);
    const timeout = setTimeout(() => ac.abort(), this.callbackTimeoutMs);
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/x-www-form-urlencoded',
          'X-SignalWire-Signature': computeSignature(url, params, this.signingKey),
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
