// The settings of the conference roster node, checked by the shared rules (rules.ts).
import { callDetailsOn } from '../requests/call-details';
import { problemError } from '../shared/errors';
import { checkTimeZone } from '../shared/rules';
import { numberSetting } from '../client/space';

/** The node's properties as saved by the editor. */
export interface RosterConfig {
  reconcile?: unknown;
  callDetails?: unknown;
  throttle?: unknown;
  timeZone?: unknown;
  /** Not in the editor: the minimum gap between asked-for sweeps, ms (tests shorten it). */
  sweepGap?: unknown;
}

export interface RosterSettings {
  /** Between periodic sweeps, ms; 0: a sweep only at deploy and when asked for. */
  reconcileMs: number;
  callDetails: boolean;
  throttleMs: number;
  /** The IANA zone join times are written in; undefined: the host's. */
  timeZone: string | undefined;
  sweepGapMs: number;
}

/** The node's settings; a broken one throws its config error (the sentence the dialog shows). */
export function rosterSettings(config: RosterConfig): RosterSettings {
  const zone = checkTimeZone(config.timeZone);
  if ('problem' in zone) throw problemError('config', zone.problem, config.timeZone);
  return {
    reconcileMs: numberSetting('reconcile', config.reconcile) * 1000,
    // On unless turned off: a flow without the property gets the default.
    callDetails: config.callDetails === undefined || config.callDetails === null || callDetailsOn(config.callDetails),
    throttleMs: numberSetting('throttle', config.throttle),
    timeZone: zone.timeZone,
    sweepGapMs: numberSetting('sweepGap', config.sweepGap),
  };
}
