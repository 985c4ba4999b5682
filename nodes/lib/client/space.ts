import type { Node, NodeAPI } from 'node-red';
import { configError, problemError, type SignalWireError } from '../shared/errors';
import { checkNumber, checkSpace, isSafeSegment, type ApiEndpoint, type NumberField } from '../shared/rules';
import type { SpaceSettings } from '../shared/types';
import type { SignalWireClient } from './client';

export { DEFAULT_API_ROOT, isLoopbackHost } from '../shared/rules';

/** What the config node `signalwire-space` offers the nodes that use it: its client, or why it has none. */
export interface SpaceNode extends Node {
  client?: SignalWireClient;
  configError?: SignalWireError;
}

/** The space config node a node's `space` property names; null when it names none, or one that is not deployed. */
export function spaceNodeOf<T extends Node>(RED: NodeAPI, id: unknown): T | null {
  return typeof id === 'string' && id !== '' ? (RED.nodes.getNode(id) as T | null) : null;
}

/** The space as the API's origin and root path; the problem with it as a config error. */
export function parseSpace(input: string): ApiEndpoint {
  const checked = checkSpace(input);
  if ('problem' in checked) throw problemError('config', checked.problem);
  return checked.endpoint;
}

export interface SpaceConfig {
  space?: string;
  timeout?: number | string;
  retries?: number | string;
  maxInFlight?: number | string;
  maxQueue?: number | string;
  /** Not in the editor: the first backoff step in ms (tests shorten it). */
  retryBaseMs?: number | string;
  /** Not in the editor: the longest wait a Retry-After header can impose, in ms. */
  maxRetryAfterMs?: number | string;
}

export interface SpaceCredentials {
  projectId?: string;
  apiToken?: string;
}

/** A number setting of a node, by the shared rule (blank: its default); a broken one throws its config error. */
export function numberSetting(field: NumberField, value: unknown): number {
  const checked = checkNumber(field, value);
  if ('problem' in checked) throw problemError('config', checked.problem, value);
  return checked.value as number;
}

function firstNonEmpty(...values: Array<string | undefined>): string {
  for (const v of values) {
    if (typeof v === 'string' && v.trim() !== '') return v.trim();
  }
  return '';
}

/** A config node's credentials, each taken from its SIGNALWIRE_* variable where the node leaves it empty (trimmed; '' when neither has it). */
export function resolveCredentials(credentials: (SpaceCredentials & { signingKey?: string }) | undefined, env: NodeJS.ProcessEnv = process.env): { projectId: string; apiToken: string; signingKey: string } {
  return {
    projectId: firstNonEmpty(credentials?.projectId, env.SIGNALWIRE_PROJECT_ID),
    apiToken: firstNonEmpty(credentials?.apiToken, env.SIGNALWIRE_API_TOKEN),
    signingKey: firstNonEmpty(credentials?.signingKey, env.SIGNALWIRE_SIGNING_KEY),
  };
}

/**
 * Resolves a config node's settings, taking the space, Project ID and token from the
 * environment where the node leaves them empty (containers keep secrets out of flows).
 */
export function resolveSpaceSettings(config: SpaceConfig, credentials: SpaceCredentials | undefined, env: NodeJS.ProcessEnv = process.env): SpaceSettings {
  const endpoint = parseSpace(firstNonEmpty(config.space, env.SIGNALWIRE_SPACE, env.SIGNALWIRE_SPACE_URL));
  const { projectId, apiToken } = resolveCredentials(credentials, env);
  if (projectId === '') throw configError('project-missing');
  if (!isSafeSegment(projectId)) throw configError('project-chars');
  if (apiToken === '') throw configError('token-missing');
  return {
    endpoint,
    projectId,
    apiToken,
    timeoutMs: Math.round(numberSetting('timeout', config.timeout) * 1000),
    retries: numberSetting('retries', config.retries),
    maxInFlight: numberSetting('maxInFlight', config.maxInFlight),
    maxQueued: numberSetting('maxQueue', config.maxQueue),
    retryBaseMs: numberSetting('retryBaseMs', config.retryBaseMs),
    maxRetryAfterMs: numberSetting('maxRetryAfterMs', config.maxRetryAfterMs),
  };
}
