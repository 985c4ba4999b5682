// The settings of the conference events node, checked by the shared rules (rules.ts).
import { problemError } from '../shared/errors';
import { checkCallbackPath, checkEvents, checkNumber, checkPublicUrl, checkVerify } from '../shared/rules';

/** The node's properties as saved by the editor. */
export interface ConferenceEventsConfig {
  url?: unknown;
  publicUrl?: unknown;
  verify?: unknown;
  events?: unknown;
  coalesce?: unknown;
}

export interface EventsSettings {
  /** The route path under httpNodeRoot. */
  path: string;
  /** The exact URL given to SignalWire; undefined: the URL the request arrived at. */
  publicUrl: string | undefined;
  verify: boolean;
  /** The StatusCallbackEvent values that pass; empty: all. */
  events: string[];
  coalesceMs: number;
}

/** The node's settings; a broken one throws its config error (the same sentence the dialog shows). */
export function eventsSettings(config: ConferenceEventsConfig): EventsSettings {
  const path = checkCallbackPath(config.url);
  if ('problem' in path) throw problemError('config', path.problem);
  const publicUrl = checkPublicUrl(config.publicUrl);
  if ('problem' in publicUrl) throw problemError('config', publicUrl.problem);
  const events = checkEvents(config.events);
  if ('problem' in events) throw problemError('config', events.problem);
  const coalesce = checkNumber('coalesce', config.coalesce);
  if ('problem' in coalesce) throw problemError('config', coalesce.problem, config.coalesce);
  return { path: path.path, publicUrl: publicUrl.url, verify: checkVerify(config.verify), events: events.events, coalesceMs: coalesce.value as number };
}
