import type { NodeAPI } from 'node-red';
import { SignalWireClient } from './client';
import { SignalWireError, toSignalWireError } from './errors';
import type { SpaceNode } from './request-node';
import { parseSpace, resolveSpaceSettings } from './space';
import type { ApiEndpoint, SpaceSettings } from './types';

export type TestResult = 'ok' | 'unauthorized' | 'forbidden' | 'not-found' | 'unreachable' | 'invalid' | 'error';

export interface TestAnswer {
  ok: boolean;
  result: TestResult;
  message: string;
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
 * The settings to test. A token typed in the dialog goes to the space typed in the dialog. A
 * token the runtime already holds (stored credential or environment) is only ever sent to the
 * space it belongs to, so this endpoint cannot be used to carry it to another host.
 */
export function settingsToTest(body: TestRequest, deployed: SpaceSettings | undefined, env: NodeJS.ProcessEnv): SpaceSettings {
  const typedToken = text(body.apiToken);
  const spaceText = text(body.space);
  if (typedToken !== '') {
    return resolveSpaceSettings({ space: spaceText }, { projectId: text(body.projectId), apiToken: typedToken }, env);
  }
  const envSpace = text(env.SIGNALWIRE_SPACE) || text(env.SIGNALWIRE_SPACE_URL);
  const wanted = parseSpace(spaceText || envSpace);
  if (deployed && sameEndpoint(wanted, deployed.endpoint)) {
    return { ...deployed, projectId: text(body.projectId) || deployed.projectId };
  }
  if (envSpace !== '' && sameEndpoint(wanted, parseSpace(envSpace))) {
    return resolveSpaceSettings({ space: spaceText }, { projectId: text(body.projectId) }, env);
  }
  throw new SignalWireError('config', 'Type the API token, or deploy this space first: a stored token is only sent to the space it was saved with');
}

export async function testConnection(settings: SpaceSettings): Promise<TestAnswer> {
  const client = new SignalWireClient({ ...settings, retries: 0, maxInFlight: 1, timeoutMs: Math.min(settings.timeoutMs, 10_000) });
  try {
    await client.checkCredentials();
    return { ok: true, result: 'ok', message: `Connected to ${settings.endpoint.origin}` };
  } catch (err) {
    return failure(err);
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
    let settings: SpaceSettings;
    try {
      settings = settingsToTest(body, node?.client?.settings, process.env);
    } catch (err) {
      res.json(failure(err));
      return;
    }
    testConnection(settings).then((answer) => res.json(answer), (err) => res.json(failure(err)));
  });
}
