// The roster's state on its own (no Node-RED, no timers, no I/O): how events, API participant
// objects and sweeps change it, in which order they count, what it remembers and for how long.
import assert from 'node:assert/strict';
import { Roster, type EndedConference, type ParticipantFacts, type RecordingFacts, type RosterEvent, type RosterEventKind, type RosterListener } from '../../nodes/lib/roster/state';

const T0 = Date.UTC(2025, 0, 2, 3, 4, 0);
const CONF = 'conf-1';
const OTHER = 'conf-2';

/** What the roster told, since the last take(). */
class Told implements RosterListener {
  rowsOf: string[] = [];
  overviews = 0;
  endedOnes: EndedConference[] = [];
  sweeps = 0;
  detailsOf: string[] = [];
  refusedOnes: string[] = [];
  rows(conferenceSid: string): void {
    this.rowsOf.push(conferenceSid);
  }
  overview(): void {
    this.overviews++;
  }
  ended(conference: EndedConference): void {
    this.endedOnes.push(conference);
  }
  sweep(): void {
    this.sweeps++;
  }
  details(conferenceSid: string, callSid: string): void {
    this.detailsOf.push(`${conferenceSid}/${callSid}`);
  }
  refused(what: 'conferences' | 'participants', conferenceSid: string): void {
    this.refusedOnes.push(`${what}:${conferenceSid}`);
  }
  /** Whether anything at all was told since the last take. */
  get quiet(): boolean {
    return this.rowsOf.length + this.overviews + this.endedOnes.length + this.sweeps + this.detailsOf.length + this.refusedOnes.length === 0;
  }
  take(): this {
    const copy = Object.assign(Object.create(Told.prototype), this) as this;
    this.rowsOf = [];
    this.overviews = 0;
    this.endedOnes = [];
    this.sweeps = 0;
    this.detailsOf = [];
    this.refusedOnes = [];
    return copy;
  }
}

/** A callback `s` seconds after T0 (null: no Timestamp). */
function ev(kind: RosterEventKind, call: string | undefined, s: number | null, extra: Partial<RosterEvent> = {}): RosterEvent {
  return { kind, conferenceSid: CONF, callSid: call, at: s === null ? null : T0 + s * 1000, ...extra };
}

function facts(call: string, extra: Partial<ParticipantFacts> = {}): ParticipantFacts {
  return { conferenceSid: CONF, callSid: call, present: true, joinedAt: T0, updatedAt: null, ...extra };
}

/** A recording's status `s` seconds after T0 (null: no Timestamp), from a callback unless said otherwise. */
function rec(sid: string, status: RecordingFacts['status'], s: number | null, extra: Partial<RecordingFacts> = {}): RecordingFacts {
  return { conferenceSid: CONF, recordingSid: sid, status, at: s === null ? null : T0 + s * 1000, callback: true, ...extra };
}

function setup(options: ConstructorParameters<typeof Roster>[1] = {}) {
  let clock = T0 + 60_000;
  const told = new Told();
  const roster = new Roster(told, { now: () => clock, ...options });
  return {
    roster,
    told,
    advance(ms: number) {
      clock += ms;
    },
    who(conferenceSid = CONF) {
      return [...(roster.conference(conferenceSid)?.participants.keys() ?? [])].sort();
    },
    p(call: string, conferenceSid = CONF) {
      return roster.conference(conferenceSid)?.participants.get(call);
    },
  };
}

describe('roster state', () => {
  describe('events as they come', () => {
    it('a start then a join: the conference and its participant, the rows and the overview told, no sweep', () => {
      const { roster, told, p } = setup();
      roster.event(ev('conference-start', undefined, 0, { friendlyName: 'standup' }));
      assert.deepEqual(told.take().rowsOf, [CONF]);
      roster.event(ev('participant-join', 'a', 1, { from: '+15550001', to: '+15559999', muted: false, hold: false }));
      const t = told.take();
      assert.deepEqual(t.rowsOf, [CONF]);
      assert.equal(t.overviews, 1, 'the head count changed');
      assert.equal(t.sweeps, 0, 'nothing was missed');
      assert.deepEqual(t.detailsOf, [], 'the join named the caller: no lookup');
      assert.equal(p('a')?.from, '+15550001');
      assert.equal(p('a')?.joinedAt, T0 + 1000);
      assert.equal(roster.conference(CONF)?.friendlyName, 'standup');
      assert.equal(roster.conference(CONF)?.startedAt, T0);
      assert.equal(roster.participantCount, 1);
    });

    it('an exact repeat changes nothing and tells nothing', () => {
      const { roster, told } = setup();
      for (const e of [ev('conference-start', undefined, 0), ev('participant-join', 'a', 1, { from: '+1' }), ev('participant-mute', 'a', 2, { muted: true }), ev('participant-speech-start', 'a', 3)]) {
        roster.event(e);
        told.take();
        roster.event({ ...e });
        assert.ok(told.take().quiet, `repeated ${e.kind} told something`);
      }
    });

    it('an older event is ignored; one with the same Timestamp counts in arrival order', () => {
      const { roster, told, p } = setup();
      roster.event(ev('participant-join', 'a', 1, { from: '+1' }));
      roster.event(ev('participant-mute', 'a', 5));
      told.take();
      roster.event(ev('participant-unmute', 'a', 4)); // late
      assert.equal(p('a')?.muted, true);
      assert.ok(told.take().quiet);
      roster.event(ev('participant-unmute', 'a', 5)); // same second, after the mute
      assert.equal(p('a')?.muted, false);
      assert.deepEqual(told.take().rowsOf, [CONF]);
      roster.event(ev('participant-hold', 'a', 6));
      roster.event(ev('participant-unhold', 'a', null)); // no Timestamp: applied as it comes
      assert.equal(p('a')?.hold, false);
    });

    it('after a leave, late events (mute, hold, speech, join, or with no Timestamp) never bring the participant back', () => {
      const { roster, told, who } = setup();
      roster.event(ev('participant-join', 'a', 1, { from: '+1' }));
      roster.event(ev('participant-leave', 'a', 20));
      assert.deepEqual(who(), []);
      told.take();
      for (const e of [ev('participant-mute', 'a', 15), ev('participant-hold', 'a', 19), ev('participant-speech-start', 'a', 18), ev('participant-join', 'a', 1), ev('participant-unmute', 'a', 20), ev('participant-mute', 'a', null)]) {
        roster.event(e);
        assert.deepEqual(who(), [], `${e.kind} at ${e.at} brought them back`);
      }
      assert.ok(told.take().quiet, 'nothing told, no sweep asked');
      roster.event(ev('participant-join', 'a', 30, { from: '+1' })); // they call in again
      assert.deepEqual(who(), ['a']);
    });

    it('a leave that arrives before the join: the late join does not undo it', () => {
      const { roster, who } = setup();
      roster.event(ev('conference-start', undefined, 0));
      roster.event(ev('participant-leave', 'a', 9));
      roster.event(ev('participant-join', 'a', 2, { from: '+1' }));
      assert.deepEqual(who(), []);
    });

    it('speech start and stop: speaking in the row and the speaker count, and a leave takes it away', () => {
      const { roster, told, p } = setup();
      roster.event(ev('participant-join', 'a', 1, { from: '+1' }));
      roster.event(ev('participant-join', 'b', 1, { from: '+2' }));
      told.take();
      roster.event(ev('participant-speech-start', 'a', 2));
      assert.equal(p('a')?.speaking, true);
      assert.equal(roster.conference(CONF)?.speaking, 1);
      assert.equal(told.take().overviews, 1, 'the speaker count changed');
      roster.event(ev('participant-speech-start', 'b', 3));
      roster.event(ev('participant-speech-stop', 'b', 4));
      assert.equal(roster.conference(CONF)?.speaking, 1);
      roster.event(ev('participant-leave', 'a', 5));
      assert.equal(roster.conference(CONF)?.speaking, 0);
    });

    it('a Timestamp more than a minute ahead of this clock is read as absent: it cannot make later events look old', () => {
      const { roster, who, p } = setup();
      roster.event(ev('participant-join', 'a', 1, { from: '+1' }));
      roster.event(ev('participant-mute', 'a', 3600)); // an hour ahead
      assert.equal(p('a')?.muted, true, 'applied, as it arrived');
      roster.event(ev('participant-unmute', 'a', 5));
      assert.equal(p('a')?.muted, false);
      roster.event(ev('participant-leave', 'a', 6));
      assert.deepEqual(who(), []);
    });

    it("a callback's own Muted/Hold/Coaching count, then the event's meaning", () => {
      const { roster, p } = setup();
      roster.event(ev('participant-join', 'a', 1, { from: '+1', muted: true, hold: true, coaching: true }));
      assert.deepEqual([p('a')?.muted, p('a')?.hold, p('a')?.coaching], [true, true, true]);
      roster.event(ev('participant-unmute', 'a', 2, { muted: true, hold: false }));
      assert.deepEqual([p('a')?.muted, p('a')?.hold], [false, false], 'unmute means unmuted whatever Muted said');
    });
  });

  describe('what the roster did not see', () => {
    it('an event for an unknown conference creates it and asks for a sweep', () => {
      const { roster, told, who } = setup();
      roster.event(ev('participant-join', 'a', 1, { from: '+1' }));
      const t = told.take();
      assert.equal(t.sweeps, 1, 'its start was not seen: the API knows who else is there');
      assert.deepEqual(who(), ['a']);
      assert.equal(roster.conference(CONF)?.startKnown, false);
    });

    it('an event for an unknown participant creates them, asks for a sweep and for their call details', () => {
      const { roster, told, p } = setup();
      roster.event(ev('conference-start', undefined, 0));
      told.take();
      roster.event(ev('participant-mute', 'a', 5));
      const t = told.take();
      assert.equal(t.sweeps, 1);
      assert.deepEqual(t.detailsOf, [`${CONF}/a`], 'no number for them');
      assert.equal(p('a')?.muted, true);
      assert.equal(p('a')?.joinKnown, false);
      roster.event(ev('participant-hold', 'a', 6));
      assert.deepEqual(told.take().detailsOf, [], 'asked once');
    });

    it("a callback's Direction is kept with the numbers", () => {
      const { roster, p } = setup();
      roster.event(ev('participant-join', 'out', 1, { from: '+15550000000', to: '+15551112222', direction: 'outbound-api' }));
      assert.equal(p('out')?.direction, 'outbound-api');
    });

    it('a late join still tells when they joined and their number, without undoing newer state', () => {
      const { roster, p } = setup();
      roster.event(ev('participant-mute', 'a', 5));
      roster.event(ev('participant-join', 'a', 2, { from: '+15551234', muted: false }));
      assert.equal(p('a')?.muted, true, 'the join is older than the mute');
      assert.equal(p('a')?.joinedAt, T0 + 2000);
      assert.equal(p('a')?.from, '+15551234');
    });

    it('call details fill what is missing, once they come', () => {
      const { roster, told, p } = setup();
      roster.event(ev('participant-mute', 'a', 5));
      told.take();
      roster.details(CONF, 'a', { from: '+1555', to: '+1666', callerName: 'Ada', direction: 'inbound' });
      assert.deepEqual([p('a')?.from, p('a')?.to, p('a')?.callerName, p('a')?.direction], ['+1555', '+1666', 'Ada', 'inbound']);
      assert.deepEqual(told.take().rowsOf, [CONF]);
      roster.details(CONF, 'a', { from: '+1777', to: null, callerName: null, direction: 'outbound-api' });
      assert.deepEqual([p('a')?.from, p('a')?.direction], ['+1555', 'inbound'], 'what is known is kept');
      roster.details(CONF, 'gone', { from: '+1', to: null, callerName: null, direction: null });
      assert.ok(told.take().quiet);
    });
  });

  describe('the end of a conference', () => {
    it('conference-end: one ended notice with what it was, dropped, and late events never recreate it', () => {
      const { roster, told } = setup();
      roster.event(ev('conference-start', undefined, 0, { friendlyName: 'standup' }));
      roster.event(ev('participant-join', 'a', 1, { from: '+1' }));
      told.take();
      roster.event(ev('conference-end', undefined, 9));
      const t = told.take();
      assert.deepEqual(t.endedOnes, [{ sid: CONF, friendlyName: 'standup', startedAt: T0 }]);
      assert.equal(t.overviews, 1);
      assert.equal(roster.conference(CONF), undefined);
      assert.equal(roster.participantCount, 0);
      for (const e of [ev('participant-join', 'b', 10), ev('participant-mute', 'a', 8), ev('conference-start', undefined, 0), ev('conference-end', undefined, 9)]) roster.event(e);
      roster.participant(facts('a'));
      assert.equal(roster.conference(CONF), undefined);
      assert.ok(told.take().quiet, 'no sweep, no rows, no second ended notice');
    });
  });

  describe('bounds', () => {
    it('over the conference or participant bound: refused and not kept', () => {
      const { roster, told, who } = setup({ maxConferences: 2, maxParticipants: 3 });
      for (const call of ['a', 'b', 'c', 'd']) roster.event(ev('participant-join', call, 1, { from: '+1' }));
      assert.deepEqual(who(), ['a', 'b', 'c']);
      assert.deepEqual(told.take().refusedOnes, [`participants:${CONF}`]);
      roster.event({ ...ev('participant-join', 'x', 1), conferenceSid: OTHER });
      roster.event({ ...ev('participant-join', 'x', 1), conferenceSid: 'conf-3' });
      assert.equal(roster.conferenceCount, 2);
      assert.equal(roster.conference('conf-3'), undefined);
      assert.deepEqual(told.take().refusedOnes, ['conferences:conf-3']);
    });

    it('departed participants are remembered for a while and up to a number, then forgotten', () => {
      const { roster, who, advance } = setup({ departedMax: 2, departedTtlMs: 1000 });
      for (const call of ['a', 'b', 'c']) {
        roster.event(ev('participant-join', call, 1, { from: '+1' }));
        roster.event(ev('participant-leave', call, 5));
      }
      assert.equal(roster.remembered.departed, 2);
      roster.event(ev('participant-mute', 'a', 3)); // 'a' was forgotten: the late event counts
      assert.deepEqual(who(), ['a']);
      roster.event(ev('participant-mute', 'c', 3));
      assert.deepEqual(who(), ['a'], "'c' is remembered");
      advance(1001);
      roster.event(ev('participant-mute', 'c', 3));
      assert.deepEqual(who(), ['a', 'c'], 'after its lifetime');
    });

    it('ended conferences are remembered up to a number', () => {
      const { roster } = setup({ endedMax: 2 });
      for (const sid of ['x', 'y', 'z']) roster.event({ ...ev('conference-end', undefined, 1), conferenceSid: sid });
      assert.equal(roster.remembered.ended, 2);
    });

    it('the defaults the README states: 10,000 participants a conference; 50,000 departed for 10 minutes; 10,000 ended conferences for an hour', () => {
      const { roster, told, who, advance } = setup();
      for (let i = 0; i <= 10_000; i++) roster.event(ev('participant-join', `p${i}`, 1, { from: '+1' }));
      assert.equal(roster.participantCount, 10_000);
      assert.deepEqual(told.take().refusedOnes, [`participants:${CONF}`]);
      for (let i = 0; i < 10_000; i++) roster.event(ev('participant-leave', `p${i}`, 2));
      for (let i = 0; i < 40_001; i++) roster.event(ev('participant-leave', `q${i}`, 2));
      assert.equal(roster.remembered.departed, 50_000);
      for (let i = 0; i <= 10_000; i++) roster.event({ ...ev('conference-end', undefined, 1), conferenceSid: `ended-${i}` });
      assert.equal(roster.remembered.ended, 10_000);
      advance(10 * 60_000 - 1);
      roster.event(ev('participant-mute', 'p9999', 1));
      assert.deepEqual(who(), [], 'remembered for 10 minutes');
      advance(2);
      roster.event(ev('participant-mute', 'p9999', 1));
      assert.deepEqual(who(), ['p9999'], 'forgotten after');
      roster.event({ ...ev('participant-join', 'x', 1), conferenceSid: 'ended-10000' });
      assert.equal(roster.conference('ended-10000'), undefined, 'an ended conference is remembered for an hour');
      advance(50 * 60_000);
      roster.event({ ...ev('participant-join', 'x', 1), conferenceSid: 'ended-10000' });
      assert.ok(roster.conference('ended-10000'), 'forgotten after');
    });

    it('a million participants joining and leaving one by one: the state stays right and its memories stay bounded', function () {
      this.timeout(60_000);
      const { roster, told, who } = setup({ departedMax: 1000 });
      roster.event(ev('conference-start', undefined, 0));
      roster.event(ev('participant-join', 'stays', 0, { from: '+1' }));
      const N = 1_000_000;
      for (let i = 0; i < N; i++) {
        const call = `c${i}`;
        roster.event(ev('participant-join', call, i, { from: '+1' }));
        if (i % 7 === 0) roster.event(ev('participant-speech-start', call, i));
        roster.event(ev('participant-leave', call, i + 1));
        if (i % 100_000 === 0) told.take();
      }
      assert.deepEqual(who(), ['stays']);
      assert.equal(roster.participantCount, 1);
      assert.equal(roster.conference(CONF)?.speaking, 0);
      assert.equal(roster.remembered.departed, 1000);
      // The latest to leave is remembered: their late mute changes nothing.
      roster.event(ev('participant-mute', `c${N - 1}`, N - 1));
      assert.deepEqual(who(), ['stays']);
      // The stayer is still handled as before.
      roster.event(ev('participant-mute', 'stays', N + 5));
      assert.equal(roster.conference(CONF)?.participants.get('stays')?.muted, true);
    });
  });

  describe('participant objects from the API', () => {
    it('are the latest truth as they arrive, and an event older than their date_updated is ignored', () => {
      const { roster, p } = setup();
      roster.event(ev('participant-join', 'a', 1, { from: '+1' }));
      roster.event(ev('participant-mute', 'a', 2));
      roster.participant(facts('a', { muted: false, updatedAt: T0 + 10_000 })); // a moderator unmuted at :10
      assert.equal(p('a')?.muted, false);
      roster.event(ev('participant-mute', 'a', 8)); // a callback from before the unmute, late
      assert.equal(p('a')?.muted, false);
      roster.event(ev('participant-mute', 'a', 12));
      assert.equal(p('a')?.muted, true);
    });

    it('a date_updated far ahead of the clock is not believed', () => {
      const { roster, p } = setup();
      roster.event(ev('participant-join', 'a', 1, { from: '+1' }));
      roster.participant(facts('a', { hold: true, updatedAt: T0 + 3_600_000 }));
      roster.event(ev('participant-unhold', 'a', 5));
      assert.equal(p('a')?.hold, false);
    });

    it("a participant whose status says they left leaves; a removed participant leaves at once, whatever the callbacks' clock", () => {
      const { roster, who } = setup();
      roster.event(ev('participant-join', 'a', 1, { from: '+1' }));
      roster.event(ev('participant-join', 'b', 1, { from: '+1' }));
      roster.participant(facts('a', { present: false }));
      // The callbacks' clock runs 40 s ahead of this one: b's last event is "later" than now.
      roster.event(ev('participant-mute', 'b', 100));
      roster.removed(CONF, 'b');
      assert.deepEqual(who(), []);
      roster.event(ev('participant-unmute', 'b', 100)); // from before the remove, late
      assert.deepEqual(who(), []);
      roster.event(ev('participant-leave', 'b', 101));
      assert.deepEqual(who(), []);
    });

    it('an object for someone who left counts only when it was updated after the leave', () => {
      const { roster, who } = setup();
      roster.event(ev('participant-join', 'a', 1, { from: '+1' }));
      roster.event(ev('participant-leave', 'a', 20));
      roster.participant(facts('a', { updatedAt: T0 + 20_000 }));
      assert.deepEqual(who(), [], 'answered before the leave');
      roster.participant(facts('a', { updatedAt: T0 + 21_000, joinedAt: T0 + 21_000 }));
      assert.deepEqual(who(), ['a'], 'they joined again');
    });

    it('an object for an unknown conference creates it and asks for a sweep', () => {
      const { roster, told, who } = setup();
      roster.participant(facts('a', { muted: true }));
      assert.deepEqual(who(), ['a']);
      assert.equal(roster.conference(CONF)?.participants.get('a')?.muted, true);
      const t = told.take();
      assert.equal(t.sweeps, 1);
      assert.deepEqual(t.detailsOf, [`${CONF}/a`]);
    });
  });

  describe('sweeps', () => {
    it('correct presence, muted, hold and coaching of what nothing changed since the request', () => {
      const { roster, told, who, p } = setup();
      roster.event(ev('conference-start', undefined, 0));
      roster.event(ev('participant-join', 'a', 1, { from: '+1' }));
      roster.event(ev('participant-join', 'ghost', 1, { from: '+2' }));
      const mark = roster.mark();
      told.take();
      roster.sweepParticipants(CONF, [facts('a', { muted: true, hold: true, coaching: true }), facts('lost', { joinedAt: T0 - 5000, muted: true, hold: true })], mark);
      assert.deepEqual(who(), ['a', 'lost'], 'a participant whose join was lost is added, one who left unseen removed');
      assert.deepEqual([p('a')?.muted, p('a')?.hold, p('a')?.coaching], [true, true, true]);
      assert.deepEqual([p('lost')?.muted, p('lost')?.hold, p('lost')?.coaching], [true, true, false]);
      assert.equal(p('lost')?.joinedAt, T0 - 5000);
      const t = told.take();
      assert.deepEqual(t.detailsOf, [`${CONF}/lost`], 'the new one has no number');
      assert.equal(t.overviews, 1);
      // The same answer again changes nothing.
      roster.sweepParticipants(CONF, [facts('a', { muted: true, hold: true, coaching: true }), facts('lost', { joinedAt: T0 - 5000, muted: true, hold: true })], roster.mark());
      assert.ok(told.take().quiet);
    });

    it('never undo an event that arrived after the request was sent', () => {
      const { roster, who, p } = setup();
      roster.event(ev('participant-join', 'a', 1, { from: '+1' }));
      roster.event(ev('participant-join', 'b', 1, { from: '+1' }));
      const mark = roster.mark();
      roster.event(ev('participant-mute', 'a', 2)); // after the request
      roster.event(ev('participant-join', 'c', 2, { from: '+1' })); // after the request
      roster.event(ev('participant-leave', 'b', 2)); // after the request
      roster.sweepParticipants(CONF, [facts('a', { muted: false }), facts('b')], mark);
      assert.deepEqual(who(), ['a', 'c']);
      assert.equal(p('a')?.muted, true);
    });

    it('never clear speaking, except for someone who left', () => {
      const { roster, who, p } = setup();
      roster.event(ev('participant-join', 'a', 1, { from: '+1' }));
      roster.event(ev('participant-join', 'b', 1, { from: '+1' }));
      roster.event(ev('participant-speech-start', 'a', 2));
      roster.event(ev('participant-speech-start', 'b', 2));
      roster.sweepParticipants(CONF, [facts('a', { muted: false })], roster.mark());
      assert.equal(p('a')?.speaking, true);
      assert.deepEqual(who(), ['a']);
      assert.equal(roster.conference(CONF)?.speaking, 1);
    });

    it('do not bring back someone who left before the request unless the API updated them after the leave', () => {
      const { roster, who } = setup();
      roster.event(ev('participant-join', 'a', 1, { from: '+1' }));
      roster.event(ev('participant-leave', 'a', 20));
      roster.sweepParticipants(CONF, [facts('a', { updatedAt: T0 + 1000 })], roster.mark());
      assert.deepEqual(who(), [], 'a listing that lags behind the leave');
    });

    it('the conference listing: followed conferences it leaves out are to be asked about, unless an event came after the request', () => {
      const { roster, told } = setup();
      for (const sid of [CONF, OTHER, 'conf-3']) roster.event({ ...ev('conference-start', undefined, 0), conferenceSid: sid });
      const mark = roster.mark();
      roster.event({ ...ev('participant-join', 'a', 1, { from: '+1' }), conferenceSid: 'conf-3' });
      told.take();
      const swept = roster.sweepConferences([{ sid: CONF, friendlyName: 'named', startedAt: T0 - 1000 }, { sid: 'new', friendlyName: null, startedAt: null }], mark);
      assert.deepEqual(swept, { listed: [CONF, 'new'], missing: [OTHER] }, 'conf-3 changed after the request: neither');
      const t = told.take();
      assert.deepEqual(t.endedOnes, [], 'not listed in progress is not ended yet: it may be waiting to start');
      assert.ok(roster.conference(OTHER));
      assert.equal(roster.conference(CONF)?.friendlyName, 'named');
      assert.equal(roster.conference(CONF)?.startedAt, T0, 'its start was seen: kept');
      assert.ok(roster.conference('new'));
      // An ended conference listed again (a listing that lags) stays ended.
      roster.endConference(OTHER);
      assert.deepEqual(roster.sweepConferences([{ sid: OTHER, friendlyName: null, startedAt: null }], roster.mark()).listed, []);
      assert.equal(roster.conference(OTHER), undefined);
    });

    it('a conference the API says is waiting to start (init) is kept with that status, until it starts', () => {
      const { roster, told } = setup();
      roster.event(ev('participant-join', 'a', 1, { from: '+1' })); // its join created it
      assert.equal(roster.conference(CONF)?.status, 'in-progress', 'until the API says otherwise');
      const mark = roster.mark();
      assert.deepEqual(roster.sweepConferences([], mark).missing, [CONF]);
      told.take();
      assert.equal(roster.found(CONF, 'init', mark), true);
      assert.equal(roster.conference(CONF)?.status, 'init');
      const t = told.take();
      assert.deepEqual([t.rowsOf, t.overviews, t.endedOnes.length], [[CONF], 1, 0]);
      assert.equal(roster.found(CONF, 'init', roster.mark()), true);
      assert.ok(told.take().quiet, 'the same answer again tells nothing');
      // The moderator joins: conference-start.
      roster.event(ev('conference-start', undefined, 30));
      assert.equal(roster.conference(CONF)?.status, 'in-progress');
      assert.equal(told.take().overviews, 1);
      // An answer asked for before that start is older: it does not set init back.
      roster.found(CONF, 'init', mark);
      assert.equal(roster.conference(CONF)?.status, 'in-progress');
      assert.equal(roster.found('unknown', 'init', roster.mark()), false, 'a conference not followed is not created');
      assert.equal(roster.conference('unknown'), undefined);
    });

    it('a listing in progress ends the init status the API gave before', () => {
      const { roster, told } = setup();
      roster.event(ev('participant-join', 'a', 1, { from: '+1' }));
      roster.found(CONF, 'init', roster.mark());
      told.take();
      roster.sweepConferences([{ sid: CONF, friendlyName: null, startedAt: null }], roster.mark());
      assert.equal(roster.conference(CONF)?.status, 'in-progress');
      assert.equal(told.take().overviews, 1);
    });

    it('a conference the API says has ended, or no longer knows, has ended', () => {
      const { roster, told } = setup();
      roster.event(ev('participant-join', 'a', 1, { from: '+1' }));
      told.take();
      roster.endConference(CONF);
      assert.equal(told.take().endedOnes.length, 1);
      assert.equal(roster.conferenceCount, 0);
    });
  });

  describe('recordings', () => {
    /** A followed conference, with what was told so far taken. */
    function withConference() {
      const t = setup();
      t.roster.event(ev('conference-start', undefined, 0));
      t.told.take();
      return { ...t, now: () => t.roster.conference(CONF)?.recording ?? null };
    }

    it('a recording that starts is the current one: the rows and the overview told; the same news again tells nothing', () => {
      const { roster, told, now } = withConference();
      roster.recording(rec('re-1', 'in-progress', 5));
      assert.deepEqual(now(), { sid: 're-1', status: 'in-progress', at: T0 + 5000 });
      const t = told.take();
      assert.deepEqual([t.rowsOf, t.overviews, t.sweeps], [[CONF], 1, 0]);
      roster.recording(rec('re-1', 'in-progress', 5));
      roster.recording(rec('re-1', 'in-progress', null));
      assert.ok(told.take().quiet);
    });

    it("a pause is known from the API's answer; a callback's in-progress (sent only when it starts) does not undo it unless its Timestamp is later", () => {
      const { roster, now } = withConference();
      roster.recording(rec('re-1', 'in-progress', 5));
      roster.recording(rec('re-1', 'paused', 20, { callback: false })); // update recording's answer, date_updated :20
      assert.equal(now()?.status, 'paused');
      roster.recording(rec('re-1', 'in-progress', null)); // the start's callback, late, no Timestamp
      roster.recording(rec('re-1', 'in-progress', 5)); // the start's callback, late
      roster.recording(rec('re-1', 'in-progress', 20)); // the same second: cannot show it is later
      assert.equal(now()?.status, 'paused');
      roster.recording(rec('re-1', 'in-progress', 19, { callback: false })); // an older answer
      assert.equal(now()?.status, 'paused', 'an answer older than the pause changes nothing');
      roster.recording(rec('re-1', 'in-progress', 20, { callback: false })); // resumed in the same second, answered after
      assert.equal(now()?.status, 'in-progress', 'the same second: in the order they came');
      roster.recording(rec('re-1', 'paused', 30, { callback: false }));
      roster.recording(rec('re-1', 'in-progress', 31)); // a service that reports a resume with a later Timestamp
      assert.equal(now()?.status, 'in-progress');
    });

    it('ended is for good: completed, absent, failed, stopped or deleted clear it, whatever their time, and it never comes back', () => {
      for (const how of [rec('re-1', 'ended', 40), rec('re-1', 'ended', null, { callback: false }), rec('re-1', 'ended', 1, { callback: false })]) {
        const { roster, told, now } = withConference();
        roster.recording(rec('re-1', 'in-progress', 5));
        roster.recording(rec('re-1', 'paused', 20, { callback: false }));
        told.take();
        roster.recording(how);
        assert.equal(now(), null);
        assert.deepEqual(told.take().rowsOf, [CONF]);
        roster.recording(rec('re-1', 'in-progress', 50)); // late, or repeated
        roster.recording(rec('re-1', 'paused', 60, { callback: false }));
        assert.equal(now(), null);
        assert.ok(told.take().quiet);
        roster.recording(rec('re-2', 'in-progress', 70)); // a new recording
        assert.deepEqual(now(), { sid: 're-2', status: 'in-progress', at: T0 + 70_000 });
      }
    });

    it("the end of another recording than the current one leaves it on; one older than the current's last news is not taken", () => {
      const { roster, told, now } = withConference();
      roster.recording(rec('re-2', 'in-progress', 30));
      told.take();
      roster.recording(rec('re-1', 'ended', 35));
      assert.equal(now()?.sid, 're-2');
      roster.recording(rec('re-0', 'in-progress', 10, { callback: false }));
      assert.equal(now()?.sid, 're-2');
      assert.ok(told.take().quiet);
    });

    it('a callback without ConferenceSid counts for the conference whose current recording it names; otherwise it is dropped', () => {
      const { roster, told, now } = withConference();
      roster.recording(rec('re-1', 'in-progress', null, { conferenceSid: null })); // no conference named, none known
      assert.equal(now(), null);
      roster.recording(rec('re-1', 'in-progress', 5));
      roster.recording(rec('re-1', 'ended', null, { conferenceSid: null }));
      assert.equal(now(), null);
      told.take();
      roster.recording(rec('re-1', 'ended', null, { conferenceSid: null }));
      assert.ok(told.take().quiet);
    });

    it('for a conference not followed, or ended: nothing kept, nothing created, no sweep', () => {
      const { roster, told } = setup();
      roster.recording(rec('re-1', 'in-progress', 5));
      assert.equal(roster.conference(CONF), undefined);
      assert.ok(told.take().quiet);
      roster.event(ev('conference-start', undefined, 0));
      roster.recording(rec('re-1', 'in-progress', 5));
      roster.event(ev('conference-end', undefined, 9));
      told.take();
      roster.recording(rec('re-1', 'ended', 10));
      roster.recording(rec('re-1', 'ended', 10, { conferenceSid: null }));
      assert.equal(roster.conference(CONF), undefined);
      assert.ok(told.take().quiet);
    });

    it('bounded: one recording per conference, forgotten with the conference', () => {
      const { roster } = setup();
      for (let i = 0; i < 1000; i++) {
        const conferenceSid = `conf-r${i}`;
        roster.event({ ...ev('conference-start', undefined, 0), conferenceSid });
        for (let r = 0; r < 5; r++) roster.recording(rec(`re-${i}-${r}`, 'in-progress', r, { conferenceSid }));
      }
      assert.equal(roster.remembered.recordings, 1000, 'the latest of each');
      for (let i = 0; i < 1000; i++) roster.event({ ...ev('conference-end', undefined, 9), conferenceSid: `conf-r${i}` });
      assert.equal(roster.remembered.recordings, 0);
    });
  });
});
