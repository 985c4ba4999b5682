import { setMaxListeners } from 'node:events';
import type { Node, NodeAPI, NodeDef, NodeMessage } from 'node-red';
import { WarningLimiter } from './lib/shared/status';
import { Coalescer } from './lib/shared/coalescer';
import { configError, toSignalWireError, type SignalWireError } from './lib/shared/errors';
import { DetailsLookups } from './lib/roster/details';
import { readInput, type Msg, type RosterInput } from './lib/roster/input';
import { conferenceInfo, endedInfo, overview, RowFormat, stateWords } from './lib/roster/rows';
import { rosterSettings, type RosterConfig, type RosterSettings } from './lib/roster/settings';
import { SweepSchedule } from './lib/roster/schedule';
import { spaceNodeOf, type SpaceNode } from './lib/client/space';
import { MAX_CONFERENCES, MAX_PARTICIPANTS, Roster, type EndedConference } from './lib/roster/state';
import { sweep } from './lib/roster/sweep';
import { CoalescedStatus, failureReason, memoized } from './lib/shared/status';
import { text, useCatalogue } from './lib/shared/texts';

interface ConferenceRosterDef extends NodeDef, RosterConfig {
  space?: string;
}

/** The coalescer key of output 2: one list for every conference. */
const OVERVIEW = 'conferences';

export = function (RED: NodeAPI): void {
  useCatalogue(RED);

  function ConferenceRosterNode(this: Node, config: ConferenceRosterDef): void {
    RED.nodes.createNode(this, config);
    const node = this;
    const t = memoized(text);
    const space = spaceNodeOf<SpaceNode>(RED, config.space);

    let settings: RosterSettings | undefined;
    let problem: SignalWireError | undefined;
    try {
      settings = rosterSettings(config);
    } catch (err) {
      problem = toSignalWireError(err, 'config');
      node.error(problem.message);
    }
    const client = space?.client;
    const setupError = problem ?? (space ? space.configError : configError('not-configured'));
    if (!settings || !client || setupError) {
      // Shown at deploy; each message fails with it, so a Catch node sees it.
      const failure = setupError ?? configError('not-configured');
      node.status({ fill: 'red', shape: 'ring', text: space ? failureReason(t, failure) : t('status.no-config') });
      node.on('input', (_msg: NodeMessage, _send: unknown, done: (err?: Error) => void) => done(failure.message as never));
      return;
    }

    const format = new RowFormat(stateWords(text), settings.timeZone);
    // Every lookup of call details listens on this one signal.
    const closing = new AbortController();
    setMaxListeners(0, closing.signal);
    const warnings = new WarningLimiter();
    const display = new CoalescedStatus(node);
    let lastSweepAt: number | undefined;
    let sweepError: SignalWireError | undefined;
    let closed = false;

    const send = (out: [NodeMessage | null, NodeMessage | null]): void => {
      if (!closed) node.send(out);
    };

    // Output 1, per conference: the rows as they are when the message leaves; an ended
    // conference's last message carries what it was when it ended.
    const conferenceOut = new Coalescer<EndedConference | undefined>(settings.throttleMs, (conferenceSid, ended) => {
      if (ended) {
        send([{ conferenceSid, payload: [], conference: endedInfo(ended) } as NodeMessage, null]);
        return;
      }
      const conf = roster.conference(conferenceSid);
      if (conf) send([{ conferenceSid, payload: format.rows(conf), conference: conferenceInfo(conf) } as NodeMessage, null]);
    });
    // Output 2: the live conferences.
    const overviewOut = new Coalescer<true>(settings.throttleMs, () => {
      send([null, { payload: overview(roster.conferences()) } as NodeMessage]);
    });

    const lookups = settings.callDetails
      ? new DetailsLookups(
          client,
          closing.signal,
          (conferenceSid, callSid) => roster.conference(conferenceSid)?.participants.has(callSid) === true,
          (conferenceSid, callSid, facts) => roster.details(conferenceSid, callSid, facts),
        )
      : undefined;

    const roster: Roster = new Roster({
      rows: (conferenceSid) => conferenceOut.push(conferenceSid, undefined),
      overview: () => overviewOut.push(OVERVIEW, true),
      ended: (conf) => conferenceOut.push(conf.sid, conf),
      sweep: () => schedule.request(),
      details: (conferenceSid, callSid) => lookups?.want(conferenceSid, callSid),
      // At most one warning a minute, however many are refused.
      refused: (what, conferenceSid) =>
        warnings.warn(node, () =>
          what === 'conferences'
            ? text('log.roster-conferences-full', { max: MAX_CONFERENCES, sid: conferenceSid })
            : text('log.roster-participants-full', { max: MAX_PARTICIPANTS, sid: conferenceSid }),
        ),
    });

    const showStatus = (): void => {
      display.show(() => {
        const parts = [t('status.conferences', { count: roster.conferenceCount }), t('status.participants', { count: roster.participantCount })];
        if (sweepError) parts.push(t('status.sweep-failed', { reason: failureReason(t, sweepError) }));
        else if (lastSweepAt !== undefined) parts.push(t('status.swept', { time: format.clockTime(lastSweepAt) }));
        else parts.push(t('status.sweeping'));
        return sweepError ? { fill: 'yellow', shape: 'ring', text: parts.join(', ') } : { fill: 'green', shape: 'dot', text: parts.join(', ') };
      });
    };

    const schedule = new SweepSchedule({
      intervalMs: settings.reconcileMs,
      minGapMs: settings.sweepGapMs,
      run: (signal) => sweep(client, roster, signal),
      finished: (error) => {
        if (error === undefined) {
          sweepError = undefined;
          lastSweepAt = Date.now();
        } else {
          // Server text may echo a credential: redacted like every request node's error.
          const err = client.redact(toSignalWireError(error));
          // Once per failure streak: the status keeps showing it.
          if (!sweepError) node.warn(text('log.sweep-failed', { message: err.message }));
          sweepError = err;
        }
        showStatus();
      },
    });

    node.on('input', (msg: NodeMessage, _send: unknown, done: (err?: Error) => void) => {
      let input: RosterInput;
      try {
        input = readInput(msg as unknown as Msg);
      } catch (err) {
        // Plain text: the debug sidebar shows an Error object as a collapsed object.
        done(toSignalWireError(err).message as never);
        return;
      }
      apply(input);
      showStatus();
      done();
    });

    function apply(input: RosterInput): void {
      switch (input.kind) {
        case 'refresh':
          schedule.request();
          break;
        case 'event':
          roster.event(input.event);
          break;
        case 'participants':
          for (const p of input.participants) roster.participant(p);
          break;
        case 'removed':
          roster.removed(input.conferenceSid, input.callSid);
          break;
        case 'recordings':
          for (const r of input.recordings) roster.recording(r);
          break;
        case 'conference':
          if (input.status === 'completed') roster.endConference(input.conferenceSid);
          else roster.found(input.conferenceSid, input.status, roster.mark());
          break;
        case 'ignored':
          break;
      }
    }

    node.on('close', (_removed: boolean, done: () => void) => {
      closed = true;
      schedule.close();
      closing.abort();
      conferenceOut.close();
      overviewOut.close();
      roster.clear();
      display.close();
      node.status({});
      done();
    });

    showStatus();
    schedule.start();
  }

  RED.nodes.registerType('signalwire-conference-roster', ConferenceRosterNode);
};
