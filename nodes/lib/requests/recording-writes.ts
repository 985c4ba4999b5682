// The write path of update recording: what each action sends to a conference recording, how the
// conference's current recording is found when the message names none, and the retry rules (the
// write machinery of ../writes.ts: every action here does no harm when done twice).
import type { SignalWireClient } from '../client/client';
import { badInput, badResponse, describeValue, SignalWireError } from '../shared/errors';
import { msgOrNode, type Msg } from './inputs';
import { ALL_PAGES_PAGE_SIZE, fetchPage } from './paging';
import { checkPauseBehavior, isSafeSegment, RECORDING_ACTIONS } from '../shared/rules';
import { deleteOnce, need, resolveAction, WriteRetry, type Write } from './writes';

export type RecordingAction = (typeof RECORDING_ACTIONS)[number];

/**
 * What update recording sends for a message: the action (the node's, or msg.action) and, for
 * pause, the pause behaviour (msg.pauseBehavior over the node's, default `silence`). Both are
 * checked before anything is sent, whatever the action. Pausing, resuming and stopping set a
 * status, and deleting twice leaves it deleted: every action is retried as a write that does no
 * harm twice.
 */
export function recordingWrite(setting: string, pauseBehavior: unknown, msg: Msg): Write<RecordingAction> {
  const action = resolveAction(RECORDING_ACTIONS, setting, msg);
  const value = msgOrNode(msg.pauseBehavior, pauseBehavior);
  const behavior = need(checkPauseBehavior(value), value).value;
  const form: Record<string, string> =
    action === 'pause' ? { Status: 'paused', PauseBehavior: behavior } : action === 'resume' ? { Status: 'in-progress' } : action === 'stop' ? { Status: 'stopped' } : {};
  return { action, form, kind: 'idempotent' };
}

/**
 * The statuses of a conference's current recording: recording, paused, or (a status of the
 * spec's list that some services report after a resume) resumed.
 */
export const CURRENT_RECORDING_STATUSES: readonly string[] = ['in-progress', 'paused', 'resumed'];

/**
 * The SID of the conference's current recording, found with one list request: the first page at
 * the largest page size (1000). The API has no "current recording" alias, so:
 * - none listed as current, and no further page: an error with statusCode 404 (for a Catch node:
 *   nothing is being recorded);
 * - none on that page but a further page exists: an error (bad input: name the recording in
 *   msg.recordingSid), as reading on could take many requests;
 * - more than one: an error too, rather than pausing one and leaving the other recording.
 * No update is sent in any of these cases.
 */
export async function currentRecording(client: SignalWireClient, conferenceSid: string, signal?: AbortSignal): Promise<string> {
  const listing = { path: client.recordingsPath(conferenceSid), itemsKey: 'recordings', about: 'conference' as const };
  const page = await fetchPage<unknown>(client, listing, listing.path, { PageSize: ALL_PAGES_PAGE_SIZE }, ALL_PAGES_PAGE_SIZE, signal);
  const current = page.items.filter((r) => r !== null && typeof r === 'object' && CURRENT_RECORDING_STATUSES.includes((r as { status?: unknown }).status as string));
  if (current.length > 1) throw badInput('recording-current-many', { count: current.length });
  if (current.length === 0) {
    if (typeof page.next_page_uri === 'string' && page.next_page_uri !== '') throw badInput('recording-current-later', { max: ALL_PAGES_PAGE_SIZE });
    throw new SignalWireError('http', 'recording-none', {}, { statusCode: 404 });
  }
  const sid = (current[0] as { sid?: unknown }).sid;
  if (typeof sid !== 'string' || !isSafeSegment(sid)) throw badResponse('recording-sid', { value: describeValue(sid) });
  return sid;
}

/**
 * Sends a recording write: an update answers the recording; a delete answers 204 and resolves to
 * null (a 404 after an attempt that may have been carried out is success, see deleteOnce).
 */
export async function sendRecordingWrite(
  client: SignalWireClient,
  conferenceSid: string,
  recordingSid: string,
  write: Write<RecordingAction>,
  signal?: AbortSignal,
): Promise<Record<string, unknown> | null> {
  const path = client.recordingPath(conferenceSid, recordingSid);
  if (write.action !== 'delete') return client.postForm(path, write.form, new WriteRetry(write.kind).condition, signal, 'recording');
  await deleteOnce(client, path, signal, 'recording');
  return null;
}
