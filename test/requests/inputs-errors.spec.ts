import assert from 'node:assert/strict';
import { describeOnMsg, fromHttpResponse, quote, SignalWireError, type Subject } from '../../nodes/lib/shared/errors';
import { MAX_QUOTED_CHARS } from '../../nodes/lib/shared/rules';
import { numberInput, optionalPageToken, resolveFilter } from '../../nodes/lib/requests/inputs';
import { nextPagePath, pageRef } from '../../nodes/lib/requests/paging';

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

  describe('a 404 says what was not found, by what the request was about', () => {
    const API_404 = JSON.stringify({ code: 20404, message: 'The requested resource /api/laml/2010-04-01/Accounts/p/Conferences/c/Participants/x was not found', more_info: 'https://x/20404', status: 404 });
    const SAYS: Record<Subject, string> = {
      participant: 'SignalWire 404: the participant is no longer in the conference (or never was)',
      'participant-removal': 'SignalWire 404: the participant had already left the conference (or was never in it)',
      recording: 'SignalWire 404: the recording does not exist (or was deleted)',
      conference: 'SignalWire 404: the conference does not exist or has ended',
      call: 'SignalWire 404: the call does not exist',
      account: 'SignalWire 404: no account with this Project ID at this address: check the space and the Project ID',
    };
    for (const [subject, says] of Object.entries(SAYS) as Array<[Subject, string]>) {
      it(`${subject}: "${says}", the API's text and code kept for msg.signalwireError`, () => {
        const e = fromHttpResponse(404, API_404, [], 1, subject);
        assert.equal(e.message, says);
        assert.equal(e.statusCode, 404);
        assert.equal(e.code, 20404);
        assert.deepEqual(e.body, JSON.parse(API_404));
        assert.equal(fromHttpResponse(404, '', [], 1, subject).message, says, 'an empty 404 body too');
        assert.equal(fromHttpResponse(404, API_404, [], 3, subject).message, `${says} (after 3 attempts)`);
      });
    }

    it('keeps the HTTP text for an HTML 404 (a wrong address answering, not the API), for other statuses, and with no subject', () => {
      assert.equal(fromHttpResponse(404, '<html>nope</html>', [], 1, 'participant').message, 'SignalWire 404: Not Found (response body is not a JSON error)');
      assert.equal(fromHttpResponse(400, JSON.stringify({ code: 20001, message: 'Bad' }), [], 1, 'participant').message, 'SignalWire 400 (20001): Bad');
      assert.match(fromHttpResponse(404, API_404).message, /^SignalWire 404 \(20404\): The requested resource /);
    });
  });

  describe('quoted text is cut only where the cut makes it shorter', () => {
    const marker = (count: number) => `… (${count} more characters)`;
    it('keeps a text whole when its cut marker would be as long as what it replaces, or longer', () => {
      for (let extra = 1; extra <= marker(99).length; extra++) {
        const text = 'x'.repeat(MAX_QUOTED_CHARS + extra);
        assert.equal(quote(text), text, `${extra} characters over`);
      }
    });

    it('cuts a longer text to the limit and says how much was left out, always shorter than the text', () => {
      for (const extra of [marker(99).length + 1, 100, 5000, 1_000_000]) {
        const text = 'y'.repeat(MAX_QUOTED_CHARS + extra);
        const quoted = quote(text);
        assert.equal(quoted, `${'y'.repeat(MAX_QUOTED_CHARS)}${marker(extra)}`);
        assert.ok(quoted.length < text.length, `${extra}: ${quoted.length} < ${text.length}`);
      }
    });

    it('the text of the issue: an API message 2 characters over the limit is quoted whole', () => {
      const message = `The requested resource /api/laml/2010-04-01/Accounts/${'p'.repeat(36)}/Conferences/${'c'.repeat(36)}/Participants/${'x'.repeat(36)} was not fou`.padEnd(MAX_QUOTED_CHARS + 2, 'n');
      const e = fromHttpResponse(404, JSON.stringify({ code: 20404, message }));
      assert.equal(e.message, `SignalWire 404 (20404): ${message}`);
      assert.doesNotMatch(e.message, /more characters/);
    });
  });

  it('reads a 422 of the spec ({ errors: [text, ...] }): the first ten texts, joined, as the message, cut like any', () => {
    const e = fromHttpResponse(422, JSON.stringify({ errors: ['Status is required', 'PauseBehavior is invalid'] }));
    assert.equal(e.message, 'SignalWire 422: Status is required; PauseBehavior is invalid');
    assert.deepEqual(e.body, { message: 'Status is required; PauseBehavior is invalid' });
    const many = fromHttpResponse(422, JSON.stringify({ errors: [...Array.from({ length: 50 }, (_, i) => `e${i}`), 'x'.repeat(5000)] }));
    assert.equal(many.body?.message, Array.from({ length: 10 }, (_, i) => `e${i}`).join('; '));
    const long = fromHttpResponse(422, JSON.stringify({ errors: ['y'.repeat(5000), 42, null] }));
    assert.ok(long.message.length < 300, 'cut to 200 characters in the error text');
    assert.equal(long.body?.message?.startsWith('y'.repeat(500)), true);
    assert.ok((long.body?.message?.length ?? 0) < 600, 'and to 500 on msg.signalwireError');
    assert.equal(fromHttpResponse(422, JSON.stringify({ errors: [1, {}] })).message, 'SignalWire 422: Unprocessable Entity (response body is not a JSON error)');
    assert.equal(fromHttpResponse(400, JSON.stringify({ message: 'kept', errors: ['not used'] })).message, 'SignalWire 400: kept');
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
    assert.equal(numberInput('pageSize', '25'), 25);
    assert.equal(numberInput('pageSize', 1000), 1000);
    assert.equal(numberInput('pageSize', ''), undefined);
    assert.equal(numberInput('page', '0'), 0);
    for (const bad of [0, 1001, 2.5, '1e3', 'ten', -1, true, [5]]) {
      assert.throws(() => numberInput('pageSize', bad), /^Page size must be a whole number from 1 to 1000, got /, String(bad));
    }
    assert.throws(() => numberInput('page', -1), /Page must be a whole number from 0 up, got -1$/);
  });

  it('names a NaN or Infinity page size as such (JSON would say null)', () => {
    assert.throws(() => numberInput('pageSize', NaN), /got NaN$/);
    assert.throws(() => numberInput('pageSize', Infinity), /got Infinity$/);
    assert.throws(() => numberInput('pageSize', -Infinity), /got -Infinity$/);
  });

  it('accepts only PA/PB page tokens made of plain characters', () => {
    assert.equal(optionalPageToken('PA123'), 'PA123');
    assert.equal(optionalPageToken('PB-x_y'), 'PB-x_y');
    for (const bad of ['XX1', 'PA1&Page=9', 'PA/..', 42]) assert.throws(() => optionalPageToken(bad), /Page token must start with PA or PB/);
  });
});

describe('page URIs', () => {
  const origin = 'https://example.signalwire.com';
  const listing = '/api/laml/2010-04-01/Accounts/P1/Conferences/C1/Participants';

  it('follows a path or an absolute URL that continues the listing: its own path, with a query', () => {
    assert.equal(nextPagePath(`${listing}?Page=1&PageToken=PA1`, origin, listing), `${listing}?Page=1&PageToken=PA1`);
    assert.equal(nextPagePath(`${origin}${listing}?PageToken=PA1`, origin, listing), `${listing}?PageToken=PA1`);
  });

  it('refuses another origin, a protocol-relative URL or a different scheme', () => {
    for (const uri of ['https://evil.example.com' + listing + '?a=1', '//evil.example.com' + listing + '?a=1', 'http://example.signalwire.com' + listing + '?a=1', 'https://example.signalwire.com:444' + listing + '?a=1', 'PageToken=PA1']) {
      assert.throws(() => nextPagePath(uri, origin, listing), /does not continue this listing/, uri);
    }
  });

  it('refuses another account, another resource, dot segments in any spelling, and no query', () => {
    const bad = [
      '/api/laml/2010-04-01/Accounts/OTHER/Conferences/C1/Participants?PageToken=PA1',
      '/api/laml/2010-04-01/Accounts/P1/Conferences/C2/Participants?PageToken=PA1',
      '/api/laml/2010-04-01/Accounts/P1/Calls?PageToken=PA1',
      `${listing}/../../../Calls?PageToken=PA1`,
      `${listing}/%2e%2e/%2E%2E/Calls?PageToken=PA1`,
      `/api/laml/2010-04-01/Accounts/P1/Conferences/C1/x/../Participants?PageToken=PA1`,
      `${listing}/?PageToken=PA1`,
      listing,
      `${listing}?`,
      `${listing}?PageToken=PA1#frag`,
      `${listing}?PageToken=PA1\r\nX: y`,
    ];
    for (const uri of bad) assert.throws(() => nextPagePath(uri, origin, listing), /does not continue this listing/, uri);
  });

  it('refuses an overlong next_page_uri without quoting it', () => {
    const long = `${listing}?PageToken=PA${'x'.repeat(5000)}`;
    assert.throws(() => nextPagePath(long, origin, listing), (err: Error) => /longer than 2048 characters/.test(err.message) && err.message.length < 200);
  });

  it('extracts Page, PageSize and PageToken so a flow can ask for that page', () => {
    assert.deepEqual(pageRef('/x/Participants?Page=2&PageSize=20&PageToken=PA99'), { page: 2, pageSize: 20, pageToken: 'PA99' });
    assert.equal(pageRef(null), null);
  });
});
