// The write path's rules, one function at a time: what each action sends, and which failed
// attempt each kind of write may send again.
import assert from 'node:assert/strict';
import { AxiosError, AxiosHeaders, type AxiosResponse } from 'axios';
import { cataloguesReady } from '../support/catalogues';
import { conferenceWrite, participantWrite, WriteRetry } from '../../nodes/lib/requests/writes';
import { recordingWrite } from '../../nodes/lib/requests/recording-writes';

function answer(status: number): AxiosError {
  const response = { status, statusText: '', headers: {}, config: { headers: new AxiosHeaders() }, data: '' } as AxiosResponse;
  return new AxiosError('failed', undefined, undefined, undefined, response);
}
const network = (code: string) => new AxiosError('failed', code);

describe('write path (nodes/lib/requests/writes.ts)', () => {
  before(cataloguesReady);

  describe('WriteRetry', () => {
    const CASES: Array<{ name: string; error: AxiosError; idempotent: boolean; once: boolean; landed: boolean }> = [
      { name: '429', error: answer(429), idempotent: true, once: true, landed: false },
      { name: '502', error: answer(502), idempotent: true, once: false, landed: true },
      { name: '503', error: answer(503), idempotent: true, once: false, landed: true },
      { name: '504', error: answer(504), idempotent: true, once: false, landed: true },
      { name: 'timeout', error: network(AxiosError.ETIMEDOUT), idempotent: true, once: false, landed: true },
      { name: 'dropped connection', error: network('ECONNRESET'), idempotent: true, once: false, landed: true },
      { name: 'socket hang up', error: network('ECONNABORTED'), idempotent: true, once: false, landed: true },
      { name: '400', error: answer(400), idempotent: false, once: false, landed: false },
      { name: '404', error: answer(404), idempotent: false, once: false, landed: false },
      { name: '500', error: answer(500), idempotent: false, once: false, landed: false },
      { name: 'canceled (node closed)', error: network('ERR_CANCELED'), idempotent: false, once: false, landed: false },
      { name: 'unknown host', error: network('ENOTFOUND'), idempotent: false, once: false, landed: false },
    ];
    for (const c of CASES) {
      it(`${c.name}: idempotent ${c.idempotent ? 'retried' : 'not retried'}, once ${c.once ? 'retried' : 'not retried'}`, () => {
        const idem = new WriteRetry('idempotent');
        assert.equal(idem.condition(c.error), c.idempotent);
        assert.equal(idem.mayHaveLanded, c.landed, 'may have been carried out');
        const once = new WriteRetry('once');
        assert.equal(once.condition(c.error), c.once);
        assert.equal(once.mayHaveLanded, false);
      });
    }
  });

  describe('participantWrite', () => {
    it('sends the form of each action, and remove sends none', () => {
      assert.deepEqual(participantWrite('mute', '', '', {}), { action: 'mute', form: { Muted: 'true' }, kind: 'idempotent' });
      assert.deepEqual(participantWrite('unmute', '', '', {}).form, { Muted: 'false' });
      assert.deepEqual(participantWrite('hold', '', '', {}).form, { Hold: 'true' });
      assert.deepEqual(participantWrite('unhold', '', '', {}).form, { Hold: 'false' });
      assert.deepEqual(participantWrite('remove', 'https://h.example.com', '', { params: { HoldMethod: 'GET' } }), { action: 'remove', form: {}, kind: 'idempotent' });
    });

    it('takes the action from msg.action with the node set to msg', () => {
      assert.equal(participantWrite('msg', '', '', { action: ' hold ' }).action, 'hold');
      assert.throws(() => participantWrite('msg', '', '', { action: 'Mute' }), /^Action must be one of mute, unmute, hold, unhold, coach, uncoach, remove, got "Mute"$/);
      assert.throws(() => participantWrite('msg', '', '', { action: 42 }), /got 42$/);
    });

    it('an announcement makes the write "once"; hold music does not', () => {
      assert.equal(participantWrite('hold', 'https://h.example.com/m', '', {}).kind, 'idempotent');
      assert.equal(participantWrite('mute', '', 'https://a.example.com/x', {}).kind, 'once');
      assert.equal(participantWrite('mute', '', '', { announceUrl: 'https://a.example.com/x' }).kind, 'once');
    });

    it('msg.holdUrl and msg.announceUrl override the node; blank msg values do not', () => {
      assert.equal(participantWrite('hold', 'https://node.example.com', '', { holdUrl: 'https://msg.example.com' }).form.HoldUrl, 'https://msg.example.com');
      assert.equal(participantWrite('hold', 'https://node.example.com', '', { holdUrl: '  ' }).form.HoldUrl, 'https://node.example.com');
    });
  });

  describe('participantWrite: coaching', () => {
    it('coach sends Coaching=true and the call to coach; uncoach Coaching=false; both idempotent', () => {
      assert.deepEqual(participantWrite('coach', '', '', {}, 'CA2'), { action: 'coach', form: { Coaching: 'true', CallSidToCoach: 'CA2' }, kind: 'idempotent' });
      assert.deepEqual(participantWrite('uncoach', '', '', {}, 'CA2'), { action: 'uncoach', form: { Coaching: 'false' }, kind: 'idempotent' });
      assert.deepEqual(participantWrite('msg', '', 'https://a.example.com/x', { action: 'coach' }, 'CA2').kind, 'once');
    });

    it('coach needs the call to coach; Coaching and CallSidToCoach in msg.params cannot go with coach or uncoach', () => {
      assert.throws(() => participantWrite('coach', '', '', {}), /^The action coach needs the call to coach/);
      assert.throws(() => participantWrite('coach', '', '', { params: { Coaching: 'true' } }, 'CA2'), /^msg\.params\.Coaching cannot go with the action coach/);
      assert.throws(() => participantWrite('uncoach', '', '', { params: { CallSidToCoach: 'CA2' } }), /^msg\.params\.CallSidToCoach cannot go with the action uncoach/);
      // null stands for "not set", as elsewhere in msg.params
      assert.deepEqual(participantWrite('uncoach', '', '', { params: { Coaching: null, HoldMethod: 'GET' } }).form, { Coaching: 'false', HoldMethod: 'GET' });
    });
  });

  describe('recordingWrite', () => {
    it('pause sends Status=paused and PauseBehavior (default silence), resume in-progress, stop stopped, delete nothing; all idempotent', () => {
      assert.deepEqual(recordingWrite('pause', '', {}), { action: 'pause', form: { Status: 'paused', PauseBehavior: 'silence' }, kind: 'idempotent' });
      assert.deepEqual(recordingWrite('pause', 'skip', {}).form, { Status: 'paused', PauseBehavior: 'skip' });
      assert.deepEqual(recordingWrite('pause', 'skip', { pauseBehavior: 'silence' }).form.PauseBehavior, 'silence');
      assert.deepEqual(recordingWrite('resume', 'skip', {}), { action: 'resume', form: { Status: 'in-progress' }, kind: 'idempotent' });
      assert.deepEqual(recordingWrite('stop', '', {}), { action: 'stop', form: { Status: 'stopped' }, kind: 'idempotent' });
      assert.deepEqual(recordingWrite('msg', '', { action: 'delete' }), { action: 'delete', form: {}, kind: 'idempotent' });
    });

    it('refuses an unknown action and a pause behaviour other than skip or silence, whatever the action', () => {
      assert.throws(() => recordingWrite('msg', '', { action: 'start' }), /^Action must be one of pause, resume, stop, delete, got "start"$/);
      assert.throws(() => recordingWrite('stop', '', { pauseBehavior: 'loud' }), /^Pause behaviour must be one of skip, silence, got "loud"$/);
    });
  });

  describe('conferenceWrite', () => {
    it('end is Status=completed (idempotent), announce is AnnounceUrl (once)', () => {
      assert.deepEqual(conferenceWrite('end', 'https://a.example.com/x', {}), { action: 'end', form: { Status: 'completed' }, kind: 'idempotent' });
      assert.deepEqual(conferenceWrite('announce', 'https://a.example.com/x', { params: { AnnounceMethod: 'get' } }), {
        action: 'announce',
        form: { AnnounceUrl: 'https://a.example.com/x', AnnounceMethod: 'GET' },
        kind: 'once',
      });
      assert.throws(() => conferenceWrite('announce', '', {}), /^Announcement URL is missing/);
    });
  });
});
