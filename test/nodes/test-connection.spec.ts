import assert from 'node:assert/strict';
import { credentials, flow, helper, load, useSpace } from '../support/harness';

const LIST = { type: 'signalwire-list-participants' };
const URL = '/signalwire/test-connection';

// A page on another site can POST a form (urlencoded, multipart, text/plain) to the runtime
// without a CORS preflight. The endpoint takes JSON only, so such a page cannot make the
// runtime send requests with a space and credentials it picks.
describe('POST /signalwire/test-connection: JSON only', function () {
  const h = useSpace(1);

  beforeEach(async () => {
    await load(flow(LIST, h.space), credentials(h.space));
  });

  function typed(): Record<string, string> {
    return { space: h.space.url, projectId: h.space.projectId, apiToken: h.space.apiToken };
  }

  function assertRefused(res: { status: number; body: Record<string, unknown>; headers: Record<string, string> }): void {
    assert.equal(res.status, 415);
    assert.match(res.headers['content-type'] ?? '', /^application\/json/);
    assert.equal(res.body.ok, false);
    assert.equal(res.body.result, 'invalid');
    assert.match(String(res.body.message), /application\/json/);
    assert.equal(h.space.requests.length, 0, 'the fake space received a request');
  }

  it('refuses an application/x-www-form-urlencoded POST with valid credentials (415, no request to the space)', async () => {
    const res = await helper.request().post(URL).type('form').send(typed());
    assertRefused(res);
  });

  it('refuses a text/plain POST carrying a JSON text (415, no request to the space)', async () => {
    const res = await helper.request().post(URL).set('Content-Type', 'text/plain').send(JSON.stringify(typed()));
    assertRefused(res);
  });

  it('refuses a multipart/form-data POST (415, no request to the space)', async () => {
    const fields = typed();
    let req = helper.request().post(URL);
    for (const [k, v] of Object.entries(fields)) req = req.field(k, v);
    assertRefused(await req);
  });

  it('still answers a JSON POST (application/json; charset=utf-8) and reaches the space', async () => {
    const res = await helper.request().post(URL).set('Content-Type', 'application/json; charset=utf-8').send(JSON.stringify(typed())).expect(200);
    assert.deepEqual([res.body.ok, res.body.result], [true, 'ok']);
    assert.ok(h.space.requests.length >= 1, 'no request reached the fake space');
    assert.ok(h.space.requests.every((r) => r.authorized));
  });
});
