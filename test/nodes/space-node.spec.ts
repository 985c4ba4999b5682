import assert from 'node:assert/strict';
import {
  caughtError,
  credentials,
  flow,
  helper,
  load,
  loggedErrors,
  outcome,
  useSpace,
  statuses,
  waitUntil,
} from '../support/harness';

const LIST = { type: 'signalwire-list-participants' };

function everythingLogged(): string {
  return JSON.stringify(helper.log().args);
}

describe('signalwire-space config node', function () {
  const h = useSpace(2);

  it('declares the Project ID as text, the API token and the Signing Key as password credentials, so none is exported with flows', async () => {
    await load(flow(LIST, h.space), credentials(h.space, { signingKey: 'PSK_secret-signing-key' }));
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const registry = (helper as any)._redNodes;
    assert.deepEqual(registry.getCredentialDefinition('signalwire-space'), { projectId: { type: 'text' }, apiToken: { type: 'password' }, signingKey: { type: 'password' } });
    const exported = JSON.stringify(registry.getFlows().flows);
    assert.doesNotMatch(exported, new RegExp(h.space.apiToken));
    assert.doesNotMatch(exported, /PSK_secret-signing-key/);
  });

  it('takes space, Project ID and token from SIGNALWIRE_* variables when the node leaves them empty', async () => {
    const saved = { ...process.env };
    Object.assign(process.env, { SIGNALWIRE_SPACE: h.space.url, SIGNALWIRE_PROJECT_ID: h.space.projectId, SIGNALWIRE_API_TOKEN: h.space.apiToken });
    try {
      const n1 = await load(flow(LIST, h.space, { space: '' }), { space: { projectId: '', apiToken: '' } });
      const got = outcome();
      n1.receive({ conferenceSid: h.conferenceSid });
      assert.equal((await got).payload.length, 2);
    } finally {
      for (const k of ['SIGNALWIRE_SPACE', 'SIGNALWIRE_PROJECT_ID', 'SIGNALWIRE_API_TOKEN']) {
        if (saved[k] === undefined) delete process.env[k];
        else process.env[k] = saved[k];
      }
    }
  });

  it('refuses plain http to a non-loopback host and reports it on every message', async () => {
    const n1 = await load(flow(LIST, h.space, { space: 'http://example.signalwire.com' }), credentials(h.space));
    const err = caughtError();
    n1.receive({ conferenceSid: h.conferenceSid });
    assert.match((await err).error.message, /plain http:\/\/ is allowed only for loopback hosts/);
    assert.equal(h.space.requests.length, 0);
  });

  it('shows a config error on the list node as a red ring at deploy, before any message, and logs it', async () => {
    const n1 = await load(flow(LIST, h.space, { space: 'http://example.com' }), credentials(h.space));
    const atDeploy = statuses(n1);
    assert.ok(atDeploy.length > 0, 'a status right after deploy');
    assert.equal(atDeploy[atDeploy.length - 1].fill, 'red');
    assert.equal(atDeploy[atDeploy.length - 1].shape, 'ring');
    assert.ok(loggedErrors('space').length >= 1, 'the config node logs an error');
    assert.equal(h.space.requests.length, 0);
  });

  it('closes its keep-alive sockets when the flow stops', async () => {
    const n1 = await load(flow(LIST, h.space), credentials(h.space));
    const got = outcome();
    n1.receive({ conferenceSid: h.conferenceSid });
    await got;
    // The answered request left an idle keep-alive connection (the fake keeps it 5 s).
    assert.ok(h.space.openConnections >= 1, 'a keep-alive connection is open');
    await helper.unload();
    // A guard against a connection left open only: closing takes milliseconds, and the wait ends
    // well before the space would drop the idle connection itself.
    await waitUntil(() => h.space.openConnections === 0, 2000, () => `${h.space.openConnections} connection(s) still open after the flow stopped`);
  });

  it('never puts the API token in a log line, a status, a msg or an error', async () => {
    const token = h.space.apiToken;
    // As it travels in the Authorization header, and as the user:password pair inside it.
    const pair = `${h.space.projectId}:${token}`;
    const secrets: Record<string, string> = {
      token,
      'projectId:token': pair,
      'base64(projectId:token)': Buffer.from(pair).toString('base64'),
      'base64(token)': Buffer.from(token).toString('base64'),
    };
    const n1 = await load(flow(LIST, h.space, { retryBaseMs: 10 }), credentials(h.space));
    let got = outcome();
    n1.receive({ conferenceSid: h.conferenceSid });
    const ok = await got;
    h.space.injectFaults({ kind: 'status', status: 401, body: 'json' }, { kind: 'drop' }, { kind: 'drop' }, { kind: 'drop' }, { kind: 'drop' });
    let err = caughtError();
    n1.receive({ conferenceSid: h.conferenceSid });
    const failed401 = await err;
    err = caughtError();
    n1.receive({ conferenceSid: h.conferenceSid });
    const failedDrop = await err;
    assert.match(failedDrop.error.message, /connection failed/);
    const seen = [JSON.stringify(ok), JSON.stringify(failed401), JSON.stringify(failedDrop), everythingLogged(), JSON.stringify(n1.status.args)];
    const where = ['the output msg', 'the 401 msg', 'the dropped-connection msg', 'the log', 'the statuses'];
    seen.forEach((text, i) => {
      for (const [form, secret] of Object.entries(secrets)) assert.equal(text.includes(secret), false, `${form} appears in ${where[i]}`);
    });
    // The token did travel, as Basic auth, on every request.
    assert.ok(h.space.requests.length >= 3);
    assert.ok(h.space.requests.every((r) => r.authorized));
  });

  describe('POST /signalwire/test-connection', () => {
    it('answers ok for good credentials typed in the dialog', async () => {
      await load(flow(LIST, h.space), credentials(h.space));
      const res = await helper.request().post('/signalwire/test-connection').send({ space: h.space.url, projectId: h.space.projectId, apiToken: h.space.apiToken }).expect(200);
      assert.deepEqual([res.body.ok, res.body.result], [true, 'ok']);
      assert.doesNotMatch(res.text, new RegExp(h.space.apiToken));
    });

    it('answers unauthorized, forbidden and unreachable', async () => {
      await load(flow(LIST, h.space), credentials(h.space));
      let res = await helper.request().post('/signalwire/test-connection').send({ space: h.space.url, projectId: h.space.projectId, apiToken: 'bad-token' });
      assert.deepEqual([res.body.ok, res.body.result], [false, 'unauthorized']);
      assert.doesNotMatch(res.text, /bad-token/);
      h.space.voiceScope = false;
      res = await helper.request().post('/signalwire/test-connection').send({ space: h.space.url, projectId: h.space.projectId, apiToken: h.space.apiToken });
      assert.equal(res.body.result, 'forbidden');
      res = await helper.request().post('/signalwire/test-connection').send({ space: 'http://127.0.0.1:1', projectId: 'p', apiToken: 't' });
      assert.equal(res.body.result, 'unreachable');
      res = await helper.request().post('/signalwire/test-connection').send({ space: 'http://10.1.2.3', projectId: 'p', apiToken: 't' });
      assert.equal(res.body.result, 'invalid');
    });

    it('uses the stored token only for the space it was deployed with', async () => {
      await load(flow(LIST, h.space), credentials(h.space));
      let res = await helper.request().post('/signalwire/test-connection').send({ id: 'space', space: h.space.url });
      assert.deepEqual([res.body.ok, res.body.result], [true, 'ok']);
      const before = h.space.requests.length;
      res = await helper.request().post('/signalwire/test-connection').send({ id: 'space', space: 'http://127.0.0.1:9' });
      assert.deepEqual([res.body.ok, res.body.result], [false, 'invalid']);
      assert.match(res.body.message, /stored token is only sent to the space it was saved with/);
      assert.equal(h.space.requests.length, before);
    });
  });
});
