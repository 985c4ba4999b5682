import assert from 'node:assert/strict';
import type * as TestConnection from '../../nodes/lib/client/test-connection';
import type { SpaceSettings } from '../../nodes/lib/shared/types';
import { credentials, flow, helper, load, useSpace } from '../support/harness';

// What ships, as the harness loads it: the built dist/.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { settingsToTest } = require('../../dist/nodes/lib/client/test-connection.js') as typeof TestConnection;

const LIST = { type: 'signalwire-list-participants' };
const URL = '/signalwire/test-connection';
const ENV_KEYS = ['SIGNALWIRE_SPACE', 'SIGNALWIRE_SPACE_URL', 'SIGNALWIRE_PROJECT_ID', 'SIGNALWIRE_API_TOKEN'];

// Test connection tells which space it reached and which values came from SIGNALWIRE_* variables
// because their fields were empty: the names of those values, never the values themselves.
describe('POST /signalwire/test-connection: the answer names the space and the values taken from the environment', function () {
  const h = useSpace(1);
  let saved: Record<string, string | undefined>;

  beforeEach(async () => {
    saved = Object.fromEntries(ENV_KEYS.map((k) => [k, process.env[k]]));
    for (const k of ENV_KEYS) delete process.env[k];
  });

  afterEach(async () => {
    for (const k of ENV_KEYS) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
  });

  function useEnv(): void {
    process.env.SIGNALWIRE_SPACE = h.space.url;
    process.env.SIGNALWIRE_PROJECT_ID = h.space.projectId;
    process.env.SIGNALWIRE_API_TOKEN = h.space.apiToken;
  }

  async function post(body: Record<string, unknown>): Promise<{ body: Record<string, any>; text: string }> {
    const res = await helper.request().post(URL).set('Content-Type', 'application/json').send(JSON.stringify(body)).expect(200);
    return { body: res.body, text: res.text };
  }

  function assertNoSecret(text: string): void {
    assert.equal(text.includes(h.space.apiToken), false, 'the answer holds the API token');
    assert.equal(text.includes(h.space.projectId), false, 'the answer holds the Project ID');
    assert.equal(text.includes(Buffer.from(`${h.space.projectId}:${h.space.apiToken}`).toString('base64')), false, 'the answer holds the Basic credentials');
  }

  it('every field typed: names the origin reached, nothing from the environment', async () => {
    useEnv(); // present, but not used: the fields win
    await load(flow(LIST, h.space), credentials(h.space));
    const res = await post({ space: h.space.url, projectId: h.space.projectId, apiToken: h.space.apiToken });
    assert.deepEqual([res.body.ok, res.body.result], [true, 'ok']);
    assert.equal(res.body.space, h.space.url);
    assert.deepEqual(res.body.fromEnv, []);
    assertNoSecret(res.text);
  });

  it('every field empty: space, Project ID and API token from the environment, and none of their values in the answer', async () => {
    useEnv();
    await load(flow(LIST, h.space), credentials(h.space));
    const before = h.space.requests.length;
    const res = await post({ space: '', projectId: '' });
    assert.deepEqual([res.body.ok, res.body.result], [true, 'ok']);
    assert.equal(res.body.space, h.space.url);
    assert.deepEqual(res.body.fromEnv, ['space', 'projectId', 'apiToken']);
    assert.ok(h.space.requests.length > before && h.space.requests.every((r) => r.authorized), 'the env credentials reached the space');
    assertNoSecret(res.text);
  });

  it('only the space empty: the space from the environment, the typed credentials used', async () => {
    process.env.SIGNALWIRE_SPACE = h.space.url;
    await load(flow(LIST, h.space), credentials(h.space));
    const res = await post({ space: '', projectId: h.space.projectId, apiToken: h.space.apiToken });
    assert.deepEqual([res.body.ok, res.body.result, res.body.space], [true, 'ok', h.space.url]);
    assert.deepEqual(res.body.fromEnv, ['space']);
    assertNoSecret(res.text);
  });

  it('the deployed space: its stored credentials count as typed, env-filled ones are named', async () => {
    // stored Project ID and token: nothing from the environment
    await load(flow(LIST, h.space), credentials(h.space));
    let res = await post({ id: 'space', space: h.space.url, projectId: h.space.projectId });
    assert.deepEqual([res.body.ok, res.body.space, res.body.fromEnv], [true, h.space.url, []]);
    assertNoSecret(res.text);
    await helper.unload();

    // a config node deployed without credentials runs on the environment's
    useEnv();
    await load(flow(LIST, h.space), {});
    res = await post({ id: 'space', space: h.space.url, projectId: '' });
    assert.deepEqual([res.body.ok, res.body.space], [true, h.space.url]);
    assert.deepEqual(res.body.fromEnv, ['projectId', 'apiToken']);
    assertNoSecret(res.text);
  });

  it('a failed test still names the space and the values from the environment, without the secret', async () => {
    process.env.SIGNALWIRE_SPACE = h.space.url;
    process.env.SIGNALWIRE_PROJECT_ID = h.space.projectId;
    process.env.SIGNALWIRE_API_TOKEN = 'PT' + 'e'.repeat(48);
    await load(flow(LIST, h.space), credentials(h.space));
    const res = await post({ space: '', projectId: '' });
    assert.deepEqual([res.body.ok, res.body.result, res.body.space], [false, 'unauthorized', h.space.url]);
    assert.deepEqual(res.body.fromEnv, ['space', 'projectId', 'apiToken']);
    assertNoSecret(res.text);
    assert.equal(res.text.includes(process.env.SIGNALWIRE_API_TOKEN), false);
  });

  it('a space address with no API under it (404): not found, saying to check the space and the Project ID', async () => {
    await load(flow(LIST, h.space), credentials(h.space));
    const res = await post({ space: `${h.space.url}/x/y`, projectId: h.space.projectId, apiToken: h.space.apiToken });
    assert.deepEqual([res.body.ok, res.body.result], [false, 'not-found']);
    assert.equal(res.body.message, 'SignalWire 404: no account with this Project ID at this address: check the space and the Project ID');
    assertNoSecret(res.text);
  });

  it('a refused test (stored token, other space) names neither space nor environment', async () => {
    await load(flow(LIST, h.space), credentials(h.space));
    const res = await post({ id: 'space', space: 'https://other.example.com' });
    assert.deepEqual([res.body.ok, res.body.result], [false, 'invalid']);
    assert.equal(res.body.space, undefined);
    assert.equal(res.body.fromEnv, undefined);
    assertNoSecret(res.text);
  });
});

describe('settingsToTest: where each value comes from', () => {
  const env = { SIGNALWIRE_SPACE: 'envspace', SIGNALWIRE_PROJECT_ID: 'env-project', SIGNALWIRE_API_TOKEN: 'env-token' };
  const deployed: SpaceSettings = {
    endpoint: { origin: 'https://deployed.signalwire.com', apiRoot: '/api/laml/2010-04-01' },
    projectId: 'stored-project',
    apiToken: 'stored-token',
    timeoutMs: 10_000,
    retries: 3,
    maxInFlight: 10,
    maxQueued: 1000,
  };

  it('typed token: the typed space and Project ID, or the environment\'s where empty', () => {
    let r = settingsToTest({ space: 'typed', projectId: 'typed-project', apiToken: 'typed-token' }, deployed, env);
    assert.deepEqual([r.settings.endpoint.origin, r.settings.projectId, r.settings.apiToken, r.fromEnv], ['https://typed.signalwire.com', 'typed-project', 'typed-token', []]);
    r = settingsToTest({ space: '', projectId: '', apiToken: 'typed-token' }, deployed, env);
    assert.deepEqual([r.settings.endpoint.origin, r.settings.projectId, r.settings.apiToken, r.fromEnv], ['https://envspace.signalwire.com', 'env-project', 'typed-token', ['space', 'projectId']]);
  });

  it('no typed token, the deployed space: the deployed token; from the environment only where the node stores none', () => {
    let r = settingsToTest({ space: 'deployed' }, deployed, env, { projectId: 'stored-project', apiToken: 'stored-token' });
    assert.deepEqual([r.settings.apiToken, r.settings.projectId, r.fromEnv], ['stored-token', 'stored-project', []]);
    r = settingsToTest({ space: 'deployed', projectId: '' }, deployed, env, { projectId: '', apiToken: '' });
    assert.deepEqual(r.fromEnv, ['projectId', 'apiToken']);
    r = settingsToTest({ space: 'deployed', projectId: 'typed-project' }, deployed, env, {});
    assert.deepEqual([r.settings.projectId, r.fromEnv], ['typed-project', ['apiToken']]);
  });

  it('no typed token, the environment\'s space: the environment\'s token', () => {
    const r = settingsToTest({ space: '', projectId: '' }, undefined, env);
    assert.deepEqual([r.settings.endpoint.origin, r.settings.projectId, r.settings.apiToken, r.fromEnv], ['https://envspace.signalwire.com', 'env-project', 'env-token', ['space', 'projectId', 'apiToken']]);
  });

  it('keeps the rule: a held token is never sent to another space', () => {
    assert.throws(() => settingsToTest({ space: 'https://elsewhere.example.com' }, deployed, env, { apiToken: 'stored-token' }), { kind: 'config' });
    assert.throws(() => settingsToTest({ space: 'elsewhere' }, undefined, env), { kind: 'config' });
  });
});
