// The write path of update participant, update conference and update recording: what each action sends, and
// which failed attempts may be sent again. Writes are not reads: an attempt whose answer was
// lost may have been carried out, so only writes that do no harm when done twice are retried
// after a timeout, a dropped connection or a 502/503/504. A 429 was not carried out and is
// always retried.
import type { AxiosError } from 'axios';
import type { SignalWireClient } from '../client/client';
import { badInput, problemError, SignalWireError, type Subject } from '../shared/errors';
import { msgOrNode, type Msg } from './inputs';
import { isRetryable } from '../client/retry';
import {
  checkAction,
  checkCallUrl,
  checkWriteParams,
  CONFERENCE_ACTIONS,
  CONFERENCE_PARAMS,
  PARTICIPANT_ACTIONS,
  PARTICIPANT_PARAMS,
  type Problem,
} from '../shared/rules';

/**
 * `idempotent`: setting a value (muted, hold, a URL), removing, ending; sending it twice leaves
 * the same state. `once`: an announcement plays again when sent again, so it is re-sent only
 * after a 429.
 */
export type WriteKind = 'idempotent' | 'once';

/** The retry rule of one write, and what its attempts have shown so far. */
export class WriteRetry {
  /** True once an attempt failed in a way that may have left it carried out (no answer, 5xx). */
  mayHaveLanded = false;

  constructor(readonly kind: WriteKind) {}

  /** The axios-retry condition of this write. */
  readonly condition = (error: AxiosError): boolean => {
    if (error.response?.status === 429) return true;
    const retry = this.kind === 'idempotent' && isRetryable(error);
    if (retry) this.mayHaveLanded = true;
    return retry;
  };
}

export type ParticipantAction = (typeof PARTICIPANT_ACTIONS)[number];
export type ConferenceAction = (typeof CONFERENCE_ACTIONS)[number];

/** One write, ready to send: its action, form and retry rule. */
export interface Write<A extends string> {
  action: A;
  form: Record<string, string>;
  kind: WriteKind;
}

/**
 * The node's action setting: `msg` or one of `actions`. Anything else is a config problem (the
 * node then refuses every message with it), and the action is `msg`.
 */
export function actionSetting(actions: readonly string[], value: unknown): { action: string; problem?: SignalWireError } {
  const r = checkAction(['msg', ...actions], value === undefined || value === null || value === '' ? 'msg' : value);
  return 'problem' in r ? { action: 'msg', problem: problemError('config', r.problem, value) } : r;
}

/** The checked value, or the rule's problem thrown as bad input (`value`, when given, is quoted in it). */
export function need<T>(r: T | { problem: Problem }, ...value: [unknown?]): T {
  if (r !== null && typeof r === 'object' && 'problem' in r) throw problemError('bad-input', r.problem, ...value);
  return r as T;
}

/** The node's action, or with the node set to `msg` the one in msg.action (checked). */
export function resolveAction<A extends string>(actions: readonly A[], setting: string, msg: Msg): A {
  if (setting !== 'msg') return setting as A;
  return need(checkAction(actions, msg.action), msg.action).action as A;
}

function url(name: string, msgValue: unknown, nodeValue: unknown): string | undefined {
  return need(checkCallUrl(name, msgOrNode(msgValue, nodeValue))).url;
}

/** The msg.params that coach and uncoach set themselves. */
const COACHING_PARAMS = ['Coaching', 'CallSidToCoach'] as const;

/** The action of a participant write: the node's, or msg.action. */
export function participantAction(setting: string, msg: Msg): ParticipantAction {
  return resolveAction(PARTICIPANT_ACTIONS, setting, msg);
}

/**
 * What update participant sends for a message: the action (the node's, or msg.action), the
 * hold music and announcement URLs (msg.holdUrl / msg.announceUrl over the node's) and
 * msg.params. `coach` also needs the call to coach (`callSidToCoach`, resolved by the node);
 * coach and uncoach decide the coaching themselves, so msg.params may not carry Coaching or
 * CallSidToCoach with them. Every value is checked before anything is sent.
 */
export function participantWrite(setting: string, holdUrl: unknown, announceUrl: unknown, msg: Msg, callSidToCoach?: string): Write<ParticipantAction> {
  const action = participantAction(setting, msg);
  const hold = url('holdUrl', msg.holdUrl, holdUrl);
  const announce = url('announceUrl', msg.announceUrl, announceUrl);
  const coaching = action === 'coach' || action === 'uncoach';
  if (coaching && msg.params !== null && typeof msg.params === 'object') {
    for (const name of COACHING_PARAMS) {
      const value = (msg.params as Record<string, unknown>)[name];
      if (value !== undefined && value !== null) throw badInput('write-param-coaching', { name, action });
    }
  }
  const params = need(checkWriteParams(PARTICIPANT_PARAMS, msg.params)).form;
  if (action === 'coach' && callSidToCoach === undefined) throw badInput('write-coach-missing');
  // A DELETE has no body: the URLs and msg.params were checked, and are not sent.
  if (action === 'remove') return { action, form: {}, kind: 'idempotent' };
  const form: Record<string, string> = {};
  if (action === 'mute' || action === 'unmute') form.Muted = String(action === 'mute');
  if (action === 'hold' || action === 'unhold') form.Hold = String(action === 'hold');
  if (coaching) form.Coaching = String(action === 'coach');
  if (action === 'coach') form.CallSidToCoach = callSidToCoach as string;
  if (hold !== undefined) form.HoldUrl = hold;
  if (announce !== undefined) form.AnnounceUrl = announce;
  Object.assign(form, params);
  return { action, form, kind: form.AnnounceUrl === undefined ? 'idempotent' : 'once' };
}

/** What update conference sends: `end` is Status=completed; `announce` plays the announcement URL. */
export function conferenceWrite(setting: string, announceUrl: unknown, msg: Msg): Write<ConferenceAction> {
  const action = resolveAction(CONFERENCE_ACTIONS, setting, msg);
  const announce = url('announceUrl', msg.announceUrl, announceUrl);
  const params = need(checkWriteParams(CONFERENCE_PARAMS, msg.params)).form;
  if (action === 'end') return { action, form: { Status: 'completed' }, kind: 'idempotent' };
  if (announce === undefined) throw badInput('write-announce-missing');
  return { action, form: { AnnounceUrl: announce, ...params }, kind: 'once' };
}

/** What a removed participant's message carries: which call left which conference. */
export interface Removed {
  removed: true;
  conferenceSid: string;
  callSid: string;
}

/**
 * A DELETE that may be sent again (it does no harm twice): a 404 to an attempt sent again after
 * one that may have been carried out means that attempt deleted it: success. A 404 to the first
 * attempt (or after a 429, which was not carried out) is an error.
 */
export async function deleteOnce(client: SignalWireClient, path: string, signal?: AbortSignal, about?: Subject): Promise<void> {
  const retry = new WriteRetry('idempotent');
  try {
    await client.delete(path, retry.condition, signal, about);
  } catch (err) {
    if (!(err instanceof SignalWireError && err.statusCode === 404 && retry.mayHaveLanded)) throw err;
  }
}

/** Sends a participant write. An update answers the participant; a remove answers 204 (see deleteOnce). */
export async function sendParticipantWrite(
  client: SignalWireClient,
  conferenceSid: string,
  callSid: string,
  write: Write<ParticipantAction>,
  signal?: AbortSignal,
): Promise<Record<string, unknown> | Removed> {
  const path = client.participantPath(conferenceSid, callSid);
  if (write.action !== 'remove') return client.postForm(path, write.form, new WriteRetry(write.kind).condition, signal, 'participant');
  await deleteOnce(client, path, signal, 'participant-removal');
  return { removed: true, conferenceSid, callSid };
}

/** Sends a conference write; the API answers the conference. */
export function sendConferenceWrite(client: SignalWireClient, conferenceSid: string, write: Write<ConferenceAction>, signal?: AbortSignal): Promise<Record<string, unknown>> {
  const retry = new WriteRetry(write.kind);
  return client.postForm(client.conferencePath(conferenceSid), write.form, retry.condition, signal, 'conference');
}
