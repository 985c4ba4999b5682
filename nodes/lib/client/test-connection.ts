import type { NodeAPI } from 'node-red';
import { clientClass } from './load';
import { SignalWireError, toSignalWireError } from '../shared/errors';
import type { SpaceNode } from './space';
import { parseSpace, resolveSpaceSettings } from './space';
import type { ApiEndpoint, SpaceSettings } from '../shared/types';

export type TestResult = 'ok' | 'unauthorized' | 'forbidden' | 'not-found' | 'unreachable' | 'invalid' | 'error';

/** A value of the space dialog that came from a SIGNALWIRE_* variable because its field was empty. */
export type EnvField = 'space' | 'projectId' | 'apiToken';

export interface TestAnswer {
  ok: boolean;
  result: TestResult;
  message: string;
  /** The origin the test went to (never holds a credential: parseSpace refuses user:password@). */
  space?: string;
  /** Which values came from the environment; the names only, never the values. */
  fromEnv?: EnvField[];
}

/** What to test, and which of its values came from SIGNALWIRE_* variables. */
export interface TestTarget {
  settings: SpaceSettings;
  fromEnv: EnvField[];
}

/** The credentials the deployed config node holds itself (empty ones were taken from the environment). */
export interface StoredCredentials {
  projectId?: unknown;
  apiToken?: unknown;
}

export interface TestRequest {
  id?: unknown;
  space?: unknown;
  projectId?: unknown;
  apiToken?: unknown;
}

function text(v: unknown): string {
  return typeof v === 'string' ? v.trim() : '';
}

function sameEndpoint(a: ApiEndpoint, b: ApiEndpoint): boolean {
  return a.origin === b.origin && a.apiRoot === b.apiRoot;
}

/**
 * The settings to test, and which of them came from SIGNALWIRE_* variables. A token typed in
 * the dialog goes to the space typed in the dialog. A token the runtime already holds (stored
 * credential or environment) is only ever sent to the space it belongs to, so this endpoint
 * cannot be used to carry it to another host.
 *
 * A value counts as from the environment when its field was empty and the variable filled it:
 * for the deployed space, `stored` tells which credentials the config node holds itself.
 */
export function settingsToTest(body: TestRequest, deployed: SpaceSettings | undefined, env: NodeJS.ProcessEnv, stored?: StoredCredentials): TestTarget {
  const typedToken = text(body.apiToken);
  const spaceText = text(body.space);
  const typedProjectId = text(body.projectId);
  const fromEnv = (space: boolean, projectId: boolean, apiToken: boolean): EnvField[] => {
    const fields: EnvField[] = [];
    if (space) fields.push('space');
    if (projectId) fields.push('projectId');
    if (apiToken) fields.push('apiToken');
    return fields;
  };
  if (typedToken !== '') {
    const settings = resolveSpaceSettings({ space: spaceText }, { projectId: typedProjectId, apiToken: typedToken }, env);
    return { settings, fromEnv: fromEnv(spaceText === '', typedProjectId === '', false) };
  }
  const envSpace = text(env.SIGNALWIRE_SPACE) || text(env.SIGNALWIRE_SPACE_URL);
  const wanted = parseSpace(spaceText || envSpace);
  if (deployed && sameEndpoint(wanted, deployed.endpoint)) {
    const settings = { ...deployed, projectId: typedProjectId || deployed.projectId };
    return { settings, fromEnv: fromEnv(spaceText === '', typedProjectId === '' && text(stored?.projectId) === '', text(stored?.apiToken) === '') };
  }
  if (envSpace !== '' && sameEndpoint(wanted, parseSpace(envSpace))) {
    const settings = resolveSpaceSettings({ space: spaceText }, { projectId: typedProjectId }, env);
    return { settings, fromEnv: fromEnv(spaceText === '', typedProjectId === '', true) };
  }
  throw new SignalWireError('config', 'stored-token-elsewhere');
}

/** Tests the credentials against the space; the answer names the origin and the values taken from the environment. */
export async function testConnection(settings: SpaceSettings, fromEnv: EnvField[] = []): Promise<TestAnswer> {
  const SignalWireClient = clientClass();
  const client = new SignalWireClient({ ...settings, retries: 0, maxInFlight: 1, timeoutMs: Math.min(settings.timeoutMs, 10_000) });
  const reached = { space: settings.endpoint.origin, fromEnv: [...fromEnv] };
  try {
    await client.checkCredentials();
    return { ok: true, result: 'ok', message: `Connected to ${settings.endpoint.origin}`, ...reached };
  } catch (err) {
    return { ...failure(err), ...reached };
  } finally {
    client.close();
  }
}

export function failure(err: unknown): TestAnswer {
  const e = toSignalWireError(err);
  let result: TestResult = 'error';
  if (e.statusCode === 401) result = 'unauthorized';
  else if (e.statusCode === 403) result = 'forbidden';
  else if (e.statusCode === 404) result = 'not-found';
  else if (e.kind === 'timeout' || e.kind === 'unreachable' || e.kind === 'connection') result = 'unreachable';
  else if (e.kind === 'config' || e.kind === 'bad-input') result = 'invalid';
  return { ok: false, result, message: e.message };
}

/**
 * POST /signalwire/test-connection, behind Node-RED's own admin permissions. JSON bodies only:
 * a page on another site can send a form (urlencoded, multipart, text/plain) without a CORS
 * preflight, and on a runtime without adminAuth that would let it pick the space and
 * credentials the runtime sends requests with. A cross-site application/json POST needs a
 * CORS preflight first, which the admin API does not grant to other origins by default.
 */
export function registerTestConnection(RED: NodeAPI): void {
  RED.httpAdmin.post('/signalwire/test-connection', RED.auth.needsPermission('signalwire-space.write'), (req, res) => {
    if (!req.is('application/json')) {
      const answer: TestAnswer = { ok: false, result: 'invalid', message: 'Content-Type must be application/json' };
      res.status(415).json(answer);
      return;
    }
    const body = (req.body ?? {}) as TestRequest;
    const node = typeof body.id === 'string' ? (RED.nodes.getNode(body.id) as SpaceNode | null) : null;
    let target: TestTarget;
    try {
      target = settingsToTest(body, node?.client?.settings, process.env, node?.credentials as StoredCredentials | undefined);
    } catch (err) {
      res.json(failure(err));
      return;
    }
    testConnection(target.settings, target.fromEnv).then((answer) => res.json(answer), (err) => res.json(failure(err)));
  });
}
