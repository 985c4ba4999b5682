import assert from 'node:assert/strict';
import { describeOnMsg, fromHttpResponse, SignalWireError } from '../nodes/lib/errors';
import { optionalInteger, optionalPageToken, resolveFilter } from '../nodes/lib/inputs';
import { nextPagePath, pageRef } from '../nodes/lib/paging';

describe('API errors', () => {
  it('reads like "SignalWire 401 (20003): Authentication failed" and keeps the body', () => {
    const e = fromHttpResponse(401, JSON.stringify({ code: 20003, message: 'Authentication failed', more_info: 'https://x/20003', status: 401 }));
    assert.equal(e.message, 'SignalWire 401 (20003): Authentication failed');
    assert.equal(e.statusCode, 401);
    assert.equal(e.code, 20003);
    assert.equal(e.moreInfo, 'https://x/20003');
  });

  it('still says what happened when the body is empty or not JSON', () => {
    assert.equal(fromHttpResponse(502, '').message, 'SignalWire 502: Bad Gateway (empty response body)');
    assert.equal(fromHttpResponse(503, '<html>down</html>').message, 'SignalWire 503: Service Unavailable (response body is not a JSON error)');
    assert.equal(fromHttpResponse(503, '<html>down</html>').body, undefined);
    assert.match(fromHttpResponse(302, '').message, /^SignalWire 302: Found, redirect not followed/);
  });

  it('lands on the msg as statusCode and signalwireError', () => {
    const msg: Record<string, unknown> = { topic: 't' };
    describeOnMsg(msg, fromHttpResponse(404, JSON.stringify({ code: 20404, message: 'Not Found', more_info: 'u', status: 404 })));
    assert.deepEqual(msg, { topic: 't', statusCode: 404, signalwireError: { code: 20404, message: 'Not Found', more_info: 'u', status: 404 } });
    const bare: Record<string, unknown> = {};
    describeOnMsg(bare, new SignalWireError('timeout', 'SignalWire request timed out after 1 s'));
    assert.deepEqual(bare, {});
  });
});

describe('message inputs', () => {
  it('reads Muted/Hold filters from booleans or "true"/"false", nothing when absent', () => {
    assert.equal(resolveFilter('msg', true, 'muted'), 'true');
    assert.equal(resolveFilter('msg', 'false', 'muted'), 'false');
    assert.equal(resolveFilter('msg', undefined, 'muted'), undefined);
    assert.equal(resolveFilter('any', true, 'muted'), undefined);
    assert.equal(resolveFilter('false', true, 'muted'), 'false');
    assert.throws(() => resolveFilter('msg', 'yes', 'muted'), /msg.muted must be true or false/);
    assert.throws(() => resolveFilter('msg', 1, 'hold'), /msg.hold must be true or false/);
  });

  it('checks page sizes and pages as whole numbers in range', () => {
    assert.equal(optionalInteger('25', 'page size', 1, 1000), 25);
    assert.equal(optionalInteger(1000, 'page size', 1, 1000), 1000);
    assert.equal(optionalInteger('', 'page size', 1, 1000), undefined);
    for (const bad of [0, 1001, 2.5, '1e3', 'ten', -1, true, [5]]) {
      assert.throws(() => optionalInteger(bad, 'page size', 1, 1000), /page size must be a whole number from 1 to 1000/, String(bad));
    }
  });

  it('accepts only PA/PB page tokens made of plain characters', () => {
    assert.equal(optionalPageToken('PA123', 'page token'), 'PA123');
    assert.equal(optionalPageToken('PB-x_y', 'page token'), 'PB-x_y');
    for (const bad of ['XX1', 'PA1&Page=9', 'PA/..', 42]) assert.throws(() => optionalPageToken(bad, 'page token'), /page token must be/);
  });
});

describe('page URIs', () => {
  const origin = 'https://example.signalwire.com';

  it('follows a path or an absolute URL on the same origin', () => {
    assert.equal(nextPagePath('/api/laml/2010-04-01/X?Page=1&PageToken=PA1', origin), '/api/laml/2010-04-01/X?Page=1&PageToken=PA1');
    assert.equal(nextPagePath(`${origin}/api/x?PageToken=PA1`, origin), '/api/x?PageToken=PA1');
  });

  it('refuses another origin, a protocol-relative URL or a different scheme', () => {
    for (const uri of ['https://evil.example.com/api/x', '//evil.example.com/api/x', 'http://example.signalwire.com/api/x', 'https://example.signalwire.com:444/x', 'PageToken=PA1']) {
      assert.throws(() => nextPagePath(uri, origin), /not on the space's origin/, uri);
    }
  });

  it('extracts Page, PageSize and PageToken so a flow can ask for that page', () => {
    assert.deepEqual(pageRef('/x/Participants?Page=2&PageSize=20&PageToken=PA99'), { page: 2, pageSize: 20, pageToken: 'PA99' });
    assert.equal(pageRef(null), null);
  });
});
