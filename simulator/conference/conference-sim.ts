// Drives conferences of a FakeSpace over time and POSTs signed conference status callbacks, as
// SignalWire does for <Conference statusCallback=...>:
// - several conferences at once, whose participants join, leave, mute, hold and speak;
// - form-encoded, signed with X-SignalWire-Signature (over the URL with or without the default port);
// - best effort: some callbacks repeated, some late (so later ones overtake them), some never
//   sent, while the REST state of the space is always the truth (a sweep heals what was lost);
// - a write made through the API is followed by its callbacks (FakeSpace.onApiWrite);
// - an ended conference stays ended; a caller who dials in later starts a new conference;
// - with `record`, each conference is recorded from its start and recording status callbacks
//   (in-progress, completed, absent) go to the same URLs, whatever the API does to the recording.
import { randomBytes } from 'node:crypto';
import { conferenceCallbackParams, recordingCallbackParams, type RecordingCallbackStatus, type StatusCallbackEvent } from './callback-params';
import { AREA_CODES, SPACE_NUMBER } from '../api/calls';
import type { ApiWrite, FakeSpace } from '../api/fake-space';
import type { FakeParticipant } from '../api/participants';
import type { FakeRecording, RecordingStatus } from '../api/recordings';
import { computeSignature, withDefaultPort, withoutDefaultPort } from './signature';

export { computeSignature, validateSignature, withDefaultPort, withoutDefaultPort } from './signature';
export type { RecordingCallbackStatus, StatusCallbackEvent } from './callback-params';

/** A recording status callback, named as the conference events node's topic for it. */
export type RecordingCallbackEvent = `recording-${RecordingCallbackStatus}`;

export interface SimEvent {
  event: StatusCallbackEvent | RecordingCallbackEvent;
  conferenceSid: string;
  /** The conference's FriendlyName (a recording status callback does not carry it). */
  friendlyName: string;
  /** The participant's call; for a recording, the call whose `<Conference>` started it. */
  callSid: string | null;
  /** The recording a recording status callback is about (null: a conference status callback). */
  recordingSid: string | null;
  /** The form parameters POSTed (or that would be, without a callbackUrl or when lost). */
  params: Record<string, string>;
  /** Its callback is held back `lateMs` (decided when the event happens). */
  late: boolean;
  /** Its callback is POSTed twice, identical. */
  repeated: boolean;
  /** Its callback is never POSTed: only the REST state shows the change. */
  lost: boolean;
}

export interface SimEventResult extends SimEvent {
  /** true: answered 2xx; false: failed (counted in callbackFailures) or lost; null: no callbackUrl. */
  delivered: boolean | null;
  /** The URL the signature was computed over ('' without a callbackUrl). */
  signedUrl: string;
}

/** How the next callback is delivered, whatever the rates say (see planDelivery). */
export interface DeliveryPlan {
  late?: boolean;
  repeated?: boolean;
  lost?: boolean;
}

/** A change act() makes happen: a caller dials into the conference of a FriendlyName (default the first), or a participant changes. */
export type SimChange =
  | { kind: 'join'; friendlyName?: string }
  | { kind: 'leave' | 'mute' | 'unmute' | 'hold' | 'unhold' | 'speech-start' | 'speech-stop'; callSid: string };

/** A conference the simulator runs. */
export interface SimConference {
  sid: string;
  friendlyName: string;
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
  /**
   * The FriendlyName of each conference run at once (default one, `demo-conference`). The first
   * is steady: the simulator never lets its last participant leave, so it runs until it is ended
   * through the API. The others end when their last participant leaves. Where a conference has
   * ended, the next caller to dial in starts a new one (a new SID, the same FriendlyName).
   */
  friendlyNames?: string[];
  /** The SID of the first conference start() creates (random by default), so a flow can know it first. */
  conferenceSid?: string;
  intervalMs?: number;
  /** Participants per conference, at most. */
  maxParticipants?: number;
  random?: () => number;
  /** The time of an event, ms since the epoch: the callbacks' Timestamp (default Date.now). */
  clock?: () => number;
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
  /** Share of callbacks (0..1) never sent, while the state they report changes. Default 0. */
  lostRate?: number;
  /**
   * Give some callers a caller name (caller_name of their call). Off by default: the vendor spec
   * says caller_name is always null; on imitates a Twilio-compatible service with CNAM.
   */
  callerNames?: boolean;
  /** Add Twilio's `SequenceNumber` parameter (per conference). Off by default: SignalWire does not list it. */
  sequenceNumbers?: boolean;
  /**
   * Record each conference from its start, as `<Conference record="record-from-start"
   * recordingStatusCallback=...>` does: a recording in progress from the first caller on (the
   * call that starts it is the callbacks' CallSid), which the API can pause, resume and stop,
   * completed when the conference ends (absent when nothing was recorded: under a second, or
   * paused with skip throughout). Its recording status callbacks are POSTed, signed, to the
   * same URLs as the conference's, best effort as those. Off by default.
   */
  record?: boolean;
  /**
   * The recording statuses called back (`recordingStatusCallbackEvent`): default all the spec
   * names. SignalWire sends none for a pause or a resume.
   */
  recordingStatusCallbackEvent?: RecordingCallbackStatus[];
}

const NAMES = ['Ada Lovelace', 'Grace Hopper', 'Alan Turing', 'Katherine Johnson', 'Edsger Dijkstra', 'Barbara Liskov', 'Donald Knuth', 'Frances Allen'];

/** A FriendlyName and the conference running under it now (null: none, until the next caller). */
interface Slot {
  friendlyName: string;
  steady: boolean;
  live: LiveConference | null;
}

interface LiveConference extends SimConference {
  slot: Slot;
  /** Who is speaking: the simulator's own state, the API has no such field. */
  speaking: Set<string>;
  /** Events of this conference so far (Twilio's SequenceNumber). */
  sequence: number;
  /** Its recording until it has completed (or is absent); null: none (yet, or any more). */
  recording: string | null;
  /** A recording was started (record-from-start starts one per conference, never a second). */
  recorded: boolean;
}

/** A recording the simulator started and has not called back as finished. */
interface SimRecording {
  conference: LiveConference;
  /** The call whose `<Conference>` started it. */
  callSid: string;
}

/** A recording that finished, to be called back with the next callbacks. */
interface RecordingNews {
  recording: FakeRecording;
  status: RecordingCallbackStatus;
  started: SimRecording;
  at: number;
}

export class ConferenceSimulator {
  readonly space: FakeSpace;
  readonly callbackUrl: string | undefined;
  readonly alsoTo: string[];
  readonly signingKey: string;
  readonly friendlyNames: readonly string[];
  readonly intervalMs: number;
  readonly maxParticipants: number;
  readonly signatureUrl: string | undefined;
  readonly callerNames: boolean;
  readonly sequenceNumbers: boolean;
  readonly record: boolean;
  readonly recordingStatusCallbackEvent: readonly RecordingCallbackStatus[];
  /** Delivery quirks: may be changed at any time (planDelivery decides single callbacks). */
  signaturePort: SignaturePort;
  repeatRate: number;
  repeatDelayMs: number;
  lateRate: number;
  lateMs: number;
  lostRate: number;
  /** Callbacks POSTed twice / held back / never sent (counted when their event happens) so far. */
  repeats = 0;
  lateCallbacks = 0;
  lostCallbacks = 0;
  /** The first conference start() created ('' until then): the steady one. It keeps this SID after it ends. */
  conferenceSid = '';
  callbacksSent = 0;
  callbackFailures = 0;
  lastCallbackError: unknown = undefined;
  /** Events so far, in every conference. */
  eventCount = 0;

  private readonly presetConferenceSid: string | undefined;
  private readonly random: () => number;
  private readonly clock: () => number;
  private readonly onEvent: ((e: SimEvent) => void) | undefined;
  private readonly callbackTimeoutMs: number;
  private readonly slots: Slot[];
  private readonly live = new Map<string, LiveConference>();
  private plans: DeliveryPlan[] = [];
  private started = false;
  private stopped = false;
  private unhook: (() => void) | null = null;
  private unhookRecordings: (() => void) | null = null;
  /** The recordings started and not yet completed, by SID. */
  private readonly recordings = new Map<string, SimRecording>();
  /** Recordings that finished since the last callbacks were made (see drainRecordings). */
  private news: RecordingNews[] = [];
  private flushPending = false;
  private timer: NodeJS.Timeout | null = null;
  private readonly inflight = new Set<AbortController>();
  private readonly holds = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();

  constructor(opts: ConferenceSimulatorOptions) {
    this.space = opts.space;
    this.callbackUrl = opts.callbackUrl;
    this.alsoTo = opts.alsoTo ?? [];
    this.signingKey = opts.signingKey ?? `PSK_${randomBytes(16).toString('hex')}`;
    this.friendlyNames = opts.friendlyNames?.length ? [...opts.friendlyNames] : ['demo-conference'];
    if (new Set(this.friendlyNames).size !== this.friendlyNames.length) throw new Error('friendlyNames must differ');
    this.slots = this.friendlyNames.map((friendlyName, i) => ({ friendlyName, steady: i === 0, live: null }));
    this.presetConferenceSid = opts.conferenceSid;
    this.intervalMs = opts.intervalMs ?? 3000;
    this.maxParticipants = Math.max(1, opts.maxParticipants ?? 8);
    this.random = opts.random ?? Math.random;
    this.clock = opts.clock ?? Date.now;
    this.onEvent = opts.onEvent;
    this.callbackTimeoutMs = opts.callbackTimeoutMs ?? 5000;
    this.signatureUrl = opts.signatureUrl;
    this.signaturePort = opts.signaturePort ?? 'as-given';
    this.repeatRate = opts.repeatRate ?? 0;
    this.repeatDelayMs = opts.repeatDelayMs ?? 0;
    this.lateRate = opts.lateRate ?? 0;
    this.lateMs = opts.lateMs ?? Math.round(this.intervalMs * 1.5);
    this.lostRate = opts.lostRate ?? 0;
    this.callerNames = opts.callerNames ?? false;
    this.sequenceNumbers = opts.sequenceNumbers ?? false;
    this.record = opts.record ?? false;
    this.recordingStatusCallbackEvent = [...(opts.recordingStatusCallbackEvent ?? ['in-progress', 'completed', 'absent'])];
  }

  get running(): boolean {
    return this.timer !== null;
  }

  /** The conferences in progress, in the order of friendlyNames. */
  get conferences(): SimConference[] {
    return this.slots.flatMap((s) => (s.live ? [{ sid: s.live.sid, friendlyName: s.live.friendlyName }] : []));
  }

  /**
   * The recording of a conference in progress, until it has completed or is absent (paused and
   * stopped ones too); null: none.
   */
  recordingSid(conferenceSid: string): string | null {
    return this.live.get(conferenceSid)?.recording ?? null;
  }

  /** The call SIDs speaking now in a conference (none when it is not one in progress). */
  speaking(conferenceSid: string): string[] {
    return [...(this.live.get(conferenceSid)?.speaking ?? [])];
  }

  /**
   * How the next callbacks are delivered, one plan per callback in order, before the rates are
   * asked (which decide the callbacks after them): e.g. planDelivery({ lost: true }).
   */
  planDelivery(...plans: DeliveryPlan[]): void {
    this.plans.push(...plans);
  }

  /**
   * Creates a conference per FriendlyName with up to 3 participants, follows the space's API
   * writes, starts the timer; resolves once the first callbacks are answered (late ones too).
   */
  async start(): Promise<void> {
    if (this.started) throw new Error('ConferenceSimulator already started');
    this.started = true;
    this.unhook = this.space.onApiWrite(this.followApiWrite);
    this.unhookRecordings = this.space.onRecordingChange(this.followRecording);
    const out: SimEvent[] = [];
    for (const slot of this.slots) {
      const conf = this.open(slot, slot.steady ? this.presetConferenceSid : undefined, out);
      for (let i = 0; i < Math.min(3, this.maxParticipants); i++) this.addCaller(conf, out);
    }
    this.drainRecordings(out);
    this.conferenceSid = this.slots[0].live!.sid;
    this.timer = setInterval(() => {
      void this.step().catch(() => undefined); // step never rejects for callback failures; be safe anyway
    }, this.intervalMs);
    await this.deliver(out);
  }

  /**
   * One random change in one conference (see act), chosen among those that can happen: a caller
   * dials in (starting a new conference where its FriendlyName has none), leaves, is muted or
   * unmuted, put on hold or taken off, starts or stops speaking.
   */
  async step(): Promise<SimEventResult> {
    this.checkRunning();
    return this.act(this.randomChange());
  }

  /**
   * Makes a change happen now, in the space first, then sends its callbacks: the returned event's
   * and those it brings along (a conference-start before the first join, a speech-stop before a
   * mute or hold of a speaker, a conference-end after the last leave). Settles when they are
   * answered, failed or dropped. A change that changes nothing (muting someone muted) throws.
   */
  async act(change: SimChange): Promise<SimEventResult> {
    this.checkRunning();
    const out: SimEvent[] = [];
    const main = this.apply(change, out);
    this.drainRecordings(out);
    const results = await this.deliver(out);
    return results[out.indexOf(main)];
  }

  /** Clears the timer, stops following API writes, drops late callbacks and aborts callbacks in flight; nothing is POSTed afterwards. */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.unhook?.();
    this.unhook = null;
    this.unhookRecordings?.();
    this.unhookRecordings = null;
    this.news = [];
    for (const h of this.holds) {
      clearTimeout(h.timer);
      h.resolve();
    }
    this.holds.clear();
    for (const ac of this.inflight) ac.abort();
    this.inflight.clear();
  }

  /** Ends every conference in progress (each participant's leave, then conference-end, as an end through the API), then stop(). */
  async end(): Promise<SimEventResult[]> {
    this.checkRunning();
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    const out: SimEvent[] = [];
    for (const conf of [...this.live.values()]) this.finish(conf, this.space.participants(conf.sid), out);
    this.drainRecordings(out);
    const results = await this.deliver(out);
    this.stop();
    return results;
  }

  // ---------------------------------------------------------------- what happens

  private checkRunning(): void {
    if (!this.started || this.stopped) throw new Error('ConferenceSimulator is not running');
  }

  private pick<T>(xs: readonly T[]): T {
    return xs[Math.min(xs.length - 1, Math.floor(this.random() * xs.length))];
  }

  private randomChange(): SimChange {
    const slot = this.pick(this.slots);
    const conf = slot.live;
    if (!conf) return { kind: 'join', friendlyName: slot.friendlyName };
    const ps = this.space.participants(conf.sid);
    const talkers = ps.filter((p) => conf.speaking.has(p.call_sid) || (!p.muted && !p.hold));
    const kinds: ('join' | 'leave' | 'mute' | 'hold' | 'speech')[] = [];
    if (ps.length < this.maxParticipants) kinds.push('join');
    if (ps.length > (slot.steady ? 1 : 0)) kinds.push('leave');
    if (ps.length > 0) kinds.push('mute', 'hold');
    if (talkers.length > 0) kinds.push('speech');
    const kind = this.pick(kinds);
    if (kind === 'join') return { kind, friendlyName: slot.friendlyName };
    if (kind === 'speech') {
      const callSid = this.pick(talkers).call_sid;
      return { kind: conf.speaking.has(callSid) ? 'speech-stop' : 'speech-start', callSid };
    }
    const p = this.pick(ps);
    if (kind === 'leave') return { kind, callSid: p.call_sid };
    if (kind === 'mute') return { kind: p.muted ? 'unmute' : 'mute', callSid: p.call_sid };
    return { kind: p.hold ? 'unhold' : 'hold', callSid: p.call_sid };
  }

  /** The change in the space and the simulator's state; returns its event (out gets the others too). */
  private apply(change: SimChange, out: SimEvent[]): SimEvent {
    if (change.kind === 'join') {
      const name = change.friendlyName ?? this.friendlyNames[0];
      const slot = this.slots.find((s) => s.friendlyName === name);
      if (!slot) throw new Error(`no conference is named ${name}`);
      return this.addCaller(slot.live ?? this.open(slot, undefined, out), out);
    }
    const { callSid } = change;
    const conf = [...this.live.values()].find((c) => this.space.participant(c.sid, callSid));
    const p = conf && this.space.participant(conf.sid, callSid);
    if (!conf || !p) throw new Error(`${callSid} is in no conference the simulator runs`);
    switch (change.kind) {
      case 'leave':
        this.space.removeParticipant(conf.sid, callSid);
        return this.left(conf, p, out);
      case 'speech-start':
        if (conf.speaking.has(callSid) || p.muted || p.hold) throw new Error(`${callSid} cannot start speaking: speaking, muted or on hold`);
        conf.speaking.add(callSid);
        return this.emit(conf, 'participant-speech-start', p, out);
      case 'speech-stop':
        if (!conf.speaking.delete(callSid)) throw new Error(`${callSid} is not speaking`);
        return this.emit(conf, 'participant-speech-stop', p, out);
      default: {
        const field = change.kind === 'mute' || change.kind === 'unmute' ? 'muted' : 'hold';
        const value = change.kind === 'mute' || change.kind === 'hold';
        if (p[field] === value) throw new Error(`${callSid}: ${change.kind} changes nothing`);
        return this.updated(conf, p, this.space.updateParticipant(conf.sid, callSid, { [field]: value }), out)!;
      }
    }
  }

  /** A new conference under the slot's FriendlyName: conference-start. */
  private open(slot: Slot, sid: string | undefined, out: SimEvent[]): LiveConference {
    const conf: LiveConference = { sid: '', friendlyName: slot.friendlyName, slot, speaking: new Set(), sequence: 0, recording: null, recorded: false };
    conf.sid = this.space.addConference(sid, { friendly_name: slot.friendlyName });
    slot.live = conf;
    this.live.set(conf.sid, conf);
    this.emit(conf, 'conference-start', null, out);
    return conf;
  }

  /** A caller dials in: a participant of the FakeSpace with an inbound call from a fictional number. */
  private addCaller(conf: LiveConference, out: SimEvent[]): SimEvent {
    const from = `+1${this.pick(AREA_CODES)}5550${100 + Math.min(99, Math.floor(this.random() * 100))}`;
    const callerName = this.callerNames && this.random() < 0.5 ? this.pick(NAMES) : null;
    const p = this.space.addParticipant(conf.sid, {}, { from, to: SPACE_NUMBER, direction: 'inbound', callerName });
    const join = this.emit(conf, 'participant-join', p, out);
    if (this.record && !conf.recorded) this.startRecording(conf, p.call_sid, out);
    return join;
  }

  /** record-from-start: the conference's recording starts with its first caller, in progress. */
  private startRecording(conf: LiveConference, callSid: string, out: SimEvent[]): void {
    const r = this.space.startRecording(conf.sid, { source: 'Conference' });
    conf.recorded = true;
    conf.recording = r.sid;
    const started = { conference: conf, callSid };
    this.recordings.set(r.sid, started);
    this.emitRecording({ recording: r, status: 'in-progress', started, at: this.clock() }, out);
  }

  /** After a participant left the space: participant-leave, and conference-end when it was the last. */
  private left(conf: LiveConference, p: FakeParticipant, out: SimEvent[]): SimEvent {
    const e = this.leave(conf, p, out);
    if (this.space.participantCount(conf.sid) === 0) this.finish(conf, [], out);
    return e;
  }

  private leave(conf: LiveConference, p: FakeParticipant, out: SimEvent[]): SimEvent {
    conf.speaking.delete(p.call_sid);
    return this.emit(conf, 'participant-leave', { ...p, status: 'completed' }, out);
  }

  /**
   * After a participant's mute or hold changed: a speaker who is silenced stops speaking first,
   * then participant-mute / -unmute / -hold / -unhold per change. Returns the last; undefined when
   * neither changed (a callback reports a change).
   */
  private updated(conf: LiveConference, before: FakeParticipant, after: FakeParticipant, out: SimEvent[]): SimEvent | undefined {
    let last: SimEvent | undefined;
    if ((after.muted || after.hold) && conf.speaking.delete(after.call_sid)) this.emit(conf, 'participant-speech-stop', after, out);
    if (before.muted !== after.muted) last = this.emit(conf, after.muted ? 'participant-mute' : 'participant-unmute', after, out);
    if (before.hold !== after.hold) last = this.emit(conf, after.hold ? 'participant-hold' : 'participant-unhold', after, out);
    return last;
  }

  /** The conference ends in the space (if it has not yet): each of `leavers` leaves, then conference-end; it is no longer run. */
  private finish(conf: LiveConference, leavers: FakeParticipant[], out: SimEvent[]): void {
    this.space.endConference(conf.sid);
    for (const p of leavers) this.leave(conf, p, out);
    this.emit(conf, 'conference-end', null, out);
    this.live.delete(conf.sid);
    conf.slot.live = null;
    conf.speaking.clear();
  }

  /** A write made through the API, on a conference the simulator runs: its callbacks, as SignalWire sends them. */
  private readonly followApiWrite = (w: ApiWrite): void => {
    const conf = this.live.get(w.conferenceSid);
    if (!conf || this.stopped) return;
    const out: SimEvent[] = [];
    if (w.kind === 'participant-updated') this.updated(conf, w.before, w.after, out);
    else if (w.kind === 'participant-removed') this.left(conf, w.participant, out);
    else this.finish(conf, w.participants, out);
    this.drainRecordings(out);
    void this.deliver(out);
  };

  /**
   * A recording's status changed in the space (through the API, or its conference ended). A
   * stopped one is finished a moment later (its file is ready): completed, or absent when no
   * second was recorded; so is a completed one with nothing in it. Completed and absent are
   * called back (drainRecordings); a pause or a resume is not, as SignalWire sends none.
   */
  private readonly followRecording = (r: FakeRecording, _previous: RecordingStatus): void => {
    const started = this.recordings.get(r.sid);
    if (!started || this.stopped) return;
    if (r.status === 'stopped') {
      void this.hold(0).then(() => {
        if (!this.stopped && this.recordings.has(r.sid)) this.space.setRecordingStatus(r.conference_sid, r.sid, r.duration > 0 ? 'completed' : 'absent');
      });
      return;
    }
    if (r.status === 'completed' && r.duration === 0) {
      this.space.setRecordingStatus(r.conference_sid, r.sid, 'absent'); // told again, as absent
      return;
    }
    if (r.status !== 'completed' && r.status !== 'absent') return;
    this.recordings.delete(r.sid);
    if (started.conference.recording === r.sid) started.conference.recording = null;
    this.news.push({ recording: r, status: r.status, started, at: this.clock() });
    this.flushSoon();
  };

  /** Appends the recording callbacks of recordings that finished to out, after its other callbacks. */
  private drainRecordings(out: SimEvent[]): void {
    const news = this.news;
    this.news = [];
    for (const n of news) this.emitRecording(n, out);
  }

  /**
   * Recording news that no change of the simulator's takes along (a recording stopped through
   * the API) is delivered on its own, right after the current work.
   */
  private flushSoon(): void {
    if (this.flushPending) return;
    this.flushPending = true;
    void this.hold(0).then(() => {
      this.flushPending = false;
      if (this.stopped) return;
      const out: SimEvent[] = [];
      this.drainRecordings(out);
      if (out.length > 0) void this.deliver(out);
    });
  }

  /** The event with its parameters (conference-start/-end: no participant), decided how it is delivered, appended to out. */
  private emit(conf: LiveConference, event: StatusCallbackEvent, p: FakeParticipant | null, out: SimEvent[]): SimEvent {
    const params = conferenceCallbackParams(this.space, event, conf, p, this.clock());
    conf.sequence++;
    if (this.sequenceNumbers) params.SequenceNumber = String(conf.sequence);
    return this.queue({ event, conferenceSid: conf.sid, friendlyName: conf.friendlyName, callSid: p?.call_sid ?? null, recordingSid: null, params, late: false, repeated: false, lost: false }, out);
  }

  /** A recording status callback, when its status is one of recordingStatusCallbackEvent. */
  private emitRecording(n: RecordingNews, out: SimEvent[]): void {
    if (!this.recordingStatusCallbackEvent.includes(n.status)) return;
    const { conference, callSid } = n.started;
    const params = recordingCallbackParams(this.space, n.recording, n.status, callSid, n.at);
    this.queue({ event: `recording-${n.status}`, conferenceSid: conference.sid, friendlyName: conference.friendlyName, callSid, recordingSid: n.recording.sid, params, late: false, repeated: false, lost: false }, out);
  }

  /** Decides how an event's callback is delivered, appends it to out, tells onEvent. */
  private queue(e: SimEvent, out: SimEvent[]): SimEvent {
    this.eventCount++;
    // Without a callbackUrl nothing is delivered, so nothing is late, repeated or lost either.
    if (this.callbackUrl) {
      const plan = this.plans.shift();
      e.lost = plan ? plan.lost === true : this.chance(this.lostRate);
      e.late = plan ? plan.late === true : !e.lost && this.chance(this.lateRate);
      e.repeated = plan ? plan.repeated === true : !e.lost && this.chance(this.repeatRate);
      if (e.lost) this.lostCallbacks++;
    }
    out.push(e);
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

  /** Callbacks in the order of their events; a late one is overtaken by those after it. */
  private async deliver(events: SimEvent[]): Promise<SimEventResult[]> {
    const results: SimEventResult[] = [];
    const held: Promise<unknown>[] = [];
    for (const [i, e] of events.entries()) {
      const posted = this.post(e).then((d) => (results[i] = { ...e, ...d }));
      if (e.late) held.push(posted);
      else await posted;
    }
    await Promise.all(held);
    return results;
  }

  /**
   * Best effort, like the real service: failures are counted, never thrown. A lost callback is
   * never sent; a late one is held back first; a repeated one is POSTed again, identical, after
   * the first is answered.
   */
  private async post(e: SimEvent): Promise<Pick<SimEventResult, 'delivered' | 'signedUrl'>> {
    const url = this.callbackUrl;
    if (!url) return { delivered: null, signedUrl: '' };
    const signedUrl = this.signedUrlFor(url);
    const signature = computeSignature(signedUrl, e.params, this.signingKey);
    const result = { delivered: false, signedUrl };
    if (this.stopped || e.lost) return result;
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
