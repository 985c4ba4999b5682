// The life of a conference recording, as both fakes (SignalWire's and the Twilio-shaped one)
// model it: it starts in progress (`<Conference record="record-from-start">`; the API has no
// request that starts one), an update pauses, resumes or stops it as the specs' update request
// says, the service finishes it (completed, absent, failed), and its duration leaves out the
// pauses whose PauseBehavior was `skip`.

/** A recording's status: SignalWire's ConferenceRecordingStatus, and Twilio's `processing`. */
export type RecordingStatus = 'queued' | 'in-progress' | 'paused' | 'resumed' | 'stopped' | 'completed' | 'absent' | 'failed' | 'processing';
export type PauseBehavior = 'skip' | 'silence';

/** The `Status` values an update may ask for (UpdateConferenceRecordingRequest). */
export const UPDATE_STATUSES = ['paused', 'in-progress', 'stopped'] as const;
export const PAUSE_BEHAVIORS: readonly PauseBehavior[] = ['skip', 'silence'];

/** Statuses of a recording that is running: it can be paused, resumed and stopped. */
const RUNNING: readonly RecordingStatus[] = ['in-progress', 'paused', 'resumed'];
/** Statuses of a recording that has ended: nothing can pause or resume it any more. */
export const ENDED: readonly RecordingStatus[] = ['stopped', 'processing', 'completed', 'absent', 'failed'];

/** An update the service refuses: its HTTP status and message (422: the request is malformed). */
export class RecordingUpdateError extends Error {
  constructor(
    readonly status: 400 | 422,
    message: string,
  ) {
    super(message);
  }
}

/**
 * One recording's state. Times are epoch milliseconds; `now` is passed in so a test can drive
 * the clock.
 */
export class RecordingLife {
  status: RecordingStatus;
  pauseBehavior: PauseBehavior | null = null;
  readonly startedAt: number;
  endedAt: number | null = null;
  private skippedMs = 0;
  private pausedAt: number | null = null;

  constructor(status: RecordingStatus = 'in-progress', now = Date.now()) {
    this.status = status;
    this.startedAt = now;
    if (ENDED.includes(status)) this.endedAt = now;
  }

  get ended(): boolean {
    return ENDED.includes(this.status);
  }

  /**
   * An update request's form, checked and applied as the spec says: `Status` is required and one
   * of paused, in-progress, stopped; `PauseBehavior` skip or silence (default silence; it counts
   * only with paused). `strict`: any other parameter is refused (SignalWire's request allows no
   * other property; Twilio ignores what it does not know). Pausing a paused recording, resuming a
   * running one and stopping an ended one change nothing and succeed (a retried write lands
   * twice); pausing or resuming an ended one is refused with 400.
   */
  update(form: URLSearchParams, strict: boolean, now = Date.now()): void {
    for (const name of form.keys()) {
      if (strict && name !== 'Status' && name !== 'PauseBehavior') throw new RecordingUpdateError(422, `Invalid parameter ${name}`);
    }
    const status = form.get('Status');
    if (status === null) throw new RecordingUpdateError(422, 'Status is required');
    if (!(UPDATE_STATUSES as readonly string[]).includes(status)) throw new RecordingUpdateError(422, `Invalid Status: must be one of ${UPDATE_STATUSES.join(', ')}`);
    const behavior = form.get('PauseBehavior');
    if (behavior !== null && !(PAUSE_BEHAVIORS as readonly string[]).includes(behavior)) {
      throw new RecordingUpdateError(422, `Invalid PauseBehavior: must be one of ${PAUSE_BEHAVIORS.join(', ')}`);
    }
    if (status === 'stopped') {
      if (!this.ended) this.finish('stopped', now);
      return;
    }
    if (!RUNNING.includes(this.status)) throw new RecordingUpdateError(400, `The recording is ${this.status}: it cannot be ${status === 'paused' ? 'paused' : 'resumed'}`);
    if (status === 'paused') {
      if (this.status !== 'paused') this.pausedAt = now;
      this.status = 'paused';
      this.pauseBehavior = (behavior as PauseBehavior | null) ?? 'silence';
      return;
    }
    this.endPause(now);
    this.status = 'in-progress';
  }

  /** A status the service sets on its own (the driver's side): e.g. completed once the file is ready. */
  set(status: RecordingStatus, now = Date.now()): void {
    if (ENDED.includes(status)) this.finish(status, now);
    else if (status === 'paused') {
      if (this.status !== 'paused') this.pausedAt = now;
      this.status = status;
      this.pauseBehavior ??= 'silence';
    } else {
      this.endPause(now);
      this.status = status;
    }
  }

  /** Whole seconds recorded: from the start to the end (or now), less the pauses with PauseBehavior skip. */
  durationSeconds(now = Date.now()): number {
    const end = this.endedAt ?? now;
    const openSkip = this.pausedAt !== null && this.pauseBehavior === 'skip' ? end - this.pausedAt : 0;
    return Math.max(0, Math.floor((end - this.startedAt - this.skippedMs - openSkip) / 1000));
  }

  private finish(status: RecordingStatus, now: number): void {
    this.endPause(now);
    this.status = status;
    this.endedAt ??= now;
  }

  private endPause(now: number): void {
    if (this.pausedAt !== null && this.pauseBehavior === 'skip') this.skippedMs += now - this.pausedAt;
    this.pausedAt = null;
  }
}

/** A conference recording exactly as SignalWire's ConferenceRecordingResponse, in its order. */
export interface FakeRecording {
  sid: string;
  account_sid: string;
  api_version: string;
  call_sid: string | null;
  conference_sid: string;
  channel: '1' | '2';
  channels: '1' | '2';
  date_created: string;
  date_updated: string;
  start_time: string | null;
  end_time: string | null;
  duration: number;
  price: string | null;
  price_unit: string;
  source: 'Conference' | 'StartConferenceRecording';
  status: RecordingStatus;
  error_code: string | null;
  uri: string;
  subresource_uris: { transcriptions: string };
  encryption_details: string | null;
  trim: string;
}

export const RECORDING_KEYS: readonly (keyof FakeRecording)[] = [
  'sid', 'account_sid', 'api_version', 'call_sid', 'conference_sid', 'channel', 'channels', 'date_created', 'date_updated',
  'start_time', 'end_time', 'duration', 'price', 'price_unit', 'source', 'status', 'error_code', 'uri', 'subresource_uris',
  'encryption_details', 'trim',
];

/** A recording of a conference with exactly the API's fields; `fields` may set any but the URIs' base. */
export function makeRecording(accountSid: string, conferenceSid: string, sid: string, fields: Partial<FakeRecording>, now: string): FakeRecording {
  const base = `/api/laml/2010-04-01/Accounts/${encodeURIComponent(accountSid)}`;
  const channels = fields.channels ?? fields.channel ?? '1';
  return {
    sid,
    account_sid: accountSid,
    api_version: '2010-04-01',
    call_sid: null, // "Always null for conference recordings."
    conference_sid: conferenceSid,
    channel: channels,
    channels,
    date_created: fields.date_created ?? now,
    date_updated: fields.date_updated ?? fields.date_created ?? now,
    start_time: fields.start_time ?? fields.date_created ?? now,
    end_time: fields.end_time ?? null,
    duration: fields.duration ?? 0,
    price: fields.price ?? null,
    price_unit: fields.price_unit ?? 'USD',
    source: fields.source ?? 'Conference',
    status: fields.status ?? 'in-progress',
    error_code: fields.error_code ?? null,
    uri: `${base}/Conferences/${encodeURIComponent(conferenceSid)}/Recordings/${encodeURIComponent(sid)}.json`,
    subresource_uris: { transcriptions: `${base}/Recordings/${encodeURIComponent(sid)}/Transcriptions.json` },
    encryption_details: null,
    trim: fields.trim ?? 'do-not-trim',
  };
}
