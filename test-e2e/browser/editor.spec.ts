// The editor in a real browser: Node-RED 4 (child process, fresh user dir with this package
// linked in) against a FakeSpace, driven through Debian's chromium by playwright-core.
// The tests run in order on one editor session, as a person would: drag the nodes in, configure
// them, read their help, then import the examples and deploy.
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { FakeSpace } from '../../simulator';
import {
  clickInject,
  closeNotifications,
  deploy,
  deployedFlows,
  dragFromPalette,
  exampleFiles,
  filterPalette,
  type Harness,
  hasInputError,
  importExample,
  MODULE,
  NODE_TYPES,
  nodeById,
  nodeIds,
  openNodeDialog,
  openSidebarTab,
  paletteEntry,
  screenshotPath,
  typeInto,
  useEditor,
  waitFor,
  withGermanEditor,
} from './lib';

declare const RED: any; // the editor's global, inside page.evaluate

describe('editor (Node-RED 4 in chromium)', function () {
  this.timeout(120_000);
  let h: Harness;
  let page: Page;
  let listId = '';
  let getId = '';
  let rosterId = '';

  useEditor({ participants: 3, viewport: { width: 1600, height: 960 } }, (started) => {
    h = started;
    page = started.page;
  });

  it('palette: filtering shows each flow node (not the config node), and both drag onto the workspace', async function () {
    const registered = await page.evaluate((types) => types.filter((t: string) => !!RED.nodes.getType(t)), NODE_TYPES);
    assert.deepEqual(registered, NODE_TYPES, 'every node type of package.json is registered in the editor');
    assert.ok(NODE_TYPES.includes('signalwire-space') && NODE_TYPES.length >= 8, `package.json declares ${NODE_TYPES.join(', ')}`);
    // signalwire-space is a config node: registered, but never in the palette
    await filterPalette(page, 'signalwire-space');
    assert.equal(await page.evaluate(() => RED.nodes.getType('signalwire-space')?.category), 'config');
    assert.equal(await paletteEntry(page, 'signalwire-space').count(), 0, 'a config node must not have a palette entry');
    assert.equal(await page.locator('#red-ui-palette-container .red-ui-palette-node:visible').count(), 0, 'filter "signalwire-space" shows nothing');

    const placed: Record<string, [number, number]> = {
      'signalwire-list-participants': [220, 120],
      'signalwire-get-participant': [220, 220],
    };
    for (const [type, [x, y]] of Object.entries(placed)) {
      await filterPalette(page, type);
      const visible = page.locator('#red-ui-palette-container .red-ui-palette-node:visible');
      assert.deepEqual(await visible.evaluateAll((els) => els.map((e) => e.getAttribute('data-palette-type'))), [type], `filter "${type}"`);
      const label = type === 'signalwire-list-participants' ? 'list participants' : 'get participant';
      assert.match((await paletteEntry(page, type).innerText()).replace(/\s+/g, ' ').trim(), new RegExp(label));
      assert.equal(await paletteEntry(page, type).evaluate((e) => e.closest('.red-ui-palette-category')?.id), 'red-ui-palette-container-SignalWire');

      await dragFromPalette(page, type, x, y);
      const ids = await waitFor(`a ${type} node on the workspace`, () => nodeIds(page, type).then((a) => (a.length === 1 ? a : null)));
      const node = nodeById(page, ids[0]);
      await node.waitFor({ state: 'visible' });
      assert.equal((await node.locator('.red-ui-flow-node-label').textContent())?.trim(), label);
      if (type === 'signalwire-list-participants') listId = ids[0];
      else getId = ids[0];
      // an icon of its own, in the palette and on the workspace, served by Node-RED
      const icon = `icons/${MODULE}/${type}.svg`;
      assert.match(await paletteEntry(page, type).locator('.red-ui-palette-icon').getAttribute('style') ?? '', new RegExp(`url\\("?${icon}"?\\)`), `palette icon of ${type}`);
      const href = await node.locator('image.red-ui-flow-node-icon').evaluate((e) => e.getAttribute('xlink:href') || e.getAttributeNS('http://www.w3.org/1999/xlink', 'href') || e.getAttribute('href') || '');
      assert.match(href, new RegExp(`(^|/)${icon}$`), `workspace icon of ${type}: ${href}`);
      const served = await page.evaluate(async (u) => {
        const res = await fetch(u);
        return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
      }, icon);
      assert.equal(served.status, 200, `${icon} is served`);
      assert.match(served.type ?? '', /svg/);
      assert.match(served.text, /^<svg [^>]*viewBox="0, 0, 40, 60"/);
    }
    // both nodes want a config node until one is chosen: the editor shows them as invalid (red triangle)
    for (const id of [listId, getId]) {
      assert.equal(await nodeById(page, id).locator('.red-ui-flow-node-error:not(.hide)').count(), 1, 'unconfigured node marked invalid');
    }
    await filterPalette(page, 'signalwire');
    assert.deepEqual(await badPaletteLabels(page), [], 'every palette label on its lines, whole words');
    await page.mouse.click(700, 600); // deselect
    await page.screenshot({ path: screenshotPath('palette-drag.png') });
  });

  it('one shared editor script: served from resources/, loaded by each node HTML, which copies none of its helpers', async function () {
    const shared = `resources/${MODULE}/signalwire-editor.js`;
    const api = await page.evaluate(() => {
      const sw = (window as any).SignalWireEditor;
      return sw ? { keys: Object.keys(sw), validators: Object.keys(sw.validators ?? {}), space: Object.keys(sw.space ?? {}) } : null;
    });
    assert.ok(api, 'window.SignalWireEditor exists');
    for (const k of ['translator', 'isBlank', 'validators', 'backfillDefaults', 'typedInputs', 'trimInputs', 'space']) assert.ok(api.keys.includes(k), `SignalWireEditor.${k}`);
    assert.deepEqual(api.validators.sort(), ['number', 'oneOf', 'pageToken', 'rule', 'space', 'typed']);
    assert.equal(await page.evaluate(() => typeof (window as any).SignalWireRules?.checkNumber), 'function', 'the runtime rules are loaded too');
    const served = await page.evaluate(async (u) => {
      const res = await fetch(u);
      return { status: res.status, text: await res.text() };
    }, shared);
    assert.equal(served.status, 200, `${shared} is served`);
    assert.match(served.text, /window\.SignalWireEditor = /);

    // the node HTML as the editor loads it (GET /nodes), one part per node set
    const html: string = await page.evaluate(async () => (await fetch('nodes', { headers: { Accept: 'text/html' } })).text());
    const parts = html.split(/(?=<!-- --- \[red-module:)/);
    for (const type of NODE_TYPES) {
      const part = parts.find((x) => x.startsWith(`<!-- --- [red-module:${MODULE}/${type}] --- -->`));
      assert.ok(part, `the editor gets the HTML of ${type}`);
      assert.ok(part.includes(`<script src="${shared}"></script>`), `${type} loads the shared script`);
      assert.ok(part.includes(`<script src="resources/${MODULE}/signalwire-rules.js"></script>`), `${type} loads the rules`);
      assert.ok(part.includes(`RED.nodes.registerType('${type}', {`), `${type} registers itself with literal arguments`);
      for (const copied of [/function t\(/, /function isBlank/, /function isIntegerIn/, /function oneOf/, /function typedValidator/, /function checkSpace/, /function isLoopbackHost/, /RED\.validators\.typedInput/, /Object\.keys\(defs\)/, /\$\.ajax/]) {
        assert.doesNotMatch(part, copied, `${type}: a copy of a shared helper (${copied})`);
      }
    }

    // every validator, through the shared helpers: the runtime's rules, in the runtime's words
    type Case = [type: string, prop: string, value: unknown, node: Record<string, unknown>, expected: true | string];
    const S = 'signalwire-space';
    const L = 'signalwire-list-participants';
    const G = 'signalwire-get-participant';
    const R = 'signalwire-conference-roster';
    const cases: Case[] = [
      [S, 'space', '', {}, true],
      [S, 'space', 'example', {}, true],
      [S, 'space', 'example.signalwire.com', {}, true],
      [S, 'space', 'https://api.twilio.com/2010-04-01', {}, true],
      [S, 'space', 'http://127.0.0.1:3000', {}, true],
      [S, 'space', 'http://10.0.0.1', {}, 'SignalWire space "http://10.0.0.1": plain http:// is allowed only for loopback hosts'],
      [S, 'space', 'not a space!', {}, 'SignalWire space "not a space!" contains spaces'],
      [S, 'space', 'ftp://example.com', {}, 'SignalWire space "ftp://example.com": only https:// URLs are supported'],
      [S, 'timeout', 10, {}, true],
      [S, 'timeout', '0.5', {}, true],
      [S, 'timeout', undefined, {}, true],
      [S, 'timeout', '0', {}, 'Timeout (seconds) must be a number from 0.1 to 600, got "0"'],
      [S, 'timeout', 'ten', {}, 'Timeout (seconds) must be a number from 0.1 to 600, got "ten"'],
      [S, 'retries', '0', {}, true],
      [S, 'retries', 10, {}, true],
      [S, 'retries', '11', {}, 'Retries must be a whole number from 0 to 10, got "11"'],
      [S, 'retries', '1.5', {}, 'Retries must be a whole number from 0 to 10, got "1.5"'],
      [S, 'maxInFlight', '100', {}, true],
      [S, 'maxInFlight', '0', {}, 'Max. in flight must be a whole number from 1 to 100, got "0"'],
      [S, 'maxQueue', '0', {}, true],
      [S, 'maxQueue', '100001', {}, 'Max. queued must be a whole number from 0 to 100000, got "100001"'],
      [L, 'muted', 'any', {}, true],
      [L, 'muted', 'yes', {}, 'Muted must be one of'],
      [L, 'hold', 'false', {}, true],
      [L, 'hold', 'no', {}, 'On hold must be one of'],
      [L, 'mode', 'pages', {}, true],
      [L, 'mode', 'some', {}, 'Mode must be one of'],
      [L, 'pageSize', '5000', { mode: 'all' }, true],
      [L, 'pageSize', '', { mode: 'page' }, true],
      [L, 'pageSize', '1000', { mode: 'pages' }, true],
      [L, 'pageSize', '5000', { mode: 'page' }, 'Page size must be a whole number from 1 to 1000, got "5000"'],
      [L, 'page', '-1', { mode: 'all' }, true],
      [L, 'page', '0', { mode: 'page' }, true],
      [L, 'page', '-1', { mode: 'page' }, 'Page must be a whole number from 0 up, got "-1"'],
      [L, 'pageToken', 'PA123', { mode: 'page' }, true],
      [L, 'pageToken', 'XX', { mode: 'page' }, 'Page token must start with PA or PB'],
      [L, 'maxPages', 200, {}, true],
      [L, 'maxPages', '0', {}, 'Max. pages must be a whole number from 1 to 100000, got "0"'],
      [L, 'maxItems', '1000000', {}, true],
      [L, 'maxItems', '0', {}, 'Max. items must be a whole number from 1 to 1000000, got "0"'],
      [L, 'conferenceSid', 'conferenceSid', { conferenceSidType: 'msg' }, true],
      [L, 'conferenceSid', 'a[', { conferenceSidType: 'msg' }, 'Conference SID: invalid property'],
      [G, 'conferenceSid', 'payload.sid', { conferenceSidType: 'msg' }, true],
      [G, 'conferenceSid', 'a[', { conferenceSidType: 'msg' }, 'Conference SID: invalid property'],
      [G, 'callSid', 'a[', { callSidType: 'str' }, true],
      [G, 'callSid', 'a[', { callSidType: 'msg' }, 'Call SID: invalid property'],
      [R, 'reconcile', '0', {}, true],
      [R, 'reconcile', 30, {}, true],
      [R, 'reconcile', '86401', {}, 'Sweep every (s) must be a whole number from 0 to 86400, got "86401"'],
      [R, 'throttle', '0', {}, true],
      [R, 'throttle', '2.5', {}, 'Throttle (ms) must be a whole number from 0 to 60000, got "2.5"'],
      [R, 'timeZone', '', {}, true],
      [R, 'timeZone', 'America/New_York', {}, true],
      [R, 'timeZone', 'Mars/Olympus', {}, 'Time zone must be empty'],
    ];
    const got = await page.evaluate((list) => list.map(([type, prop, value, node]) => {
      const r = RED.nodes.getType(type).defaults[prop].validate.call(node, value, {});
      return r === true ? true : String(r);
    }), cases);
    const wrong = cases
      .map((c, i) => ({ c, got: got[i] }))
      .filter(({ c, got: g }) => (c[4] === true ? g !== true : typeof g !== 'string' || !g.startsWith(c[4] as string)))
      .map(({ c, got: g }) => `${c[0]}.${c[1]} = ${JSON.stringify(c[2])} ${JSON.stringify(c[3])}: expected ${JSON.stringify(c[4])}, got ${JSON.stringify(g)}`);
    assert.deepEqual(wrong, []);
  });

  it('config dialog: add a space from the list node, Test connection says ok, a wrong token says unauthorized', async function () {
    assert.ok(listId, 'needs the node from the palette test');
    await openNodeDialog(page, listId);
    // Node-RED 4.1: "+" adds a new config node; older/newer editors: the pencil next to "Add new ..."
    await page.locator('#node-input-btn-space-add, #node-input-lookup-space').first().click();
    const space = page.locator('#node-config-input-space');
    await space.waitFor({ state: 'visible' });
    // the dialog is titled with a person's name for the node, not its type
    assert.equal((await page.locator('.red-ui-tray-breadcrumbs').last().locator('li').last().innerText()).trim(), 'Add new SignalWire space config node');

    assert.deepEqual(await wrappedLabels(page), [], 'every label of the space dialog on one line');
    await typeInto(page.locator('#node-config-input-name'), 'Fake space');
    await typeInto(space, h.space.url);
    await typeInto(page.locator('#node-config-input-projectId'), h.space.projectId);
    await typeInto(page.locator('#node-config-input-apiToken'), h.space.apiToken);
    assert.equal(await page.locator('#node-config-input-apiToken').getAttribute('type'), 'password');

    const result = page.locator('#node-config-signalwire-test-result');
    const before = h.space.requests.length;
    assert.equal(await testConnection(page), 'ok');
    assert.equal((await result.innerText()).trim(), `Connected to ${h.space.url}`, 'names the space reached; every value typed, none from the environment');
    assert.ok(h.space.requests.length > before, 'Test connection reached the space');
    await page.screenshot({ path: screenshotPath('config-test-connection.png') });

    // empty fields: Node-RED runs with SIGNALWIRE_SPACE, _PROJECT_ID and _API_TOKEN of the fake space
    for (const f of ['space', 'projectId', 'apiToken']) await page.locator(`#node-config-input-${f}`).fill('');
    assert.equal(await testConnection(page), 'ok');
    assert.equal((await result.innerText()).trim(), `Connected to ${h.space.url} (space, Project ID and API token from environment variables)`);
    await typeInto(page.locator('#node-config-input-projectId'), h.space.projectId);
    assert.equal(await testConnection(page), 'ok');
    assert.equal((await result.innerText()).trim(), `Connected to ${h.space.url} (space and API token from environment variables)`);
    await typeInto(space, h.space.url);
    await typeInto(page.locator('#node-config-input-apiToken'), h.space.apiToken);

    await typeInto(page.locator('#node-config-input-apiToken'), 'PT' + '0'.repeat(48));
    assert.equal(await testConnection(page), 'unauthorized');
    assert.match(await result.innerText(), /Unauthorized/);

    await typeInto(page.locator('#node-config-input-apiToken'), h.space.apiToken);
    assert.equal(await testConnection(page), 'ok');
  });

  it('config dialog: validation marks plain http:// to a remote host, and a page size of 5000, as invalid', async function () {
    const space = page.locator('#node-config-input-space');
    assert.equal(await hasInputError(space), false, 'the fake space URL (loopback http) is valid');
    await typeInto(space, 'http://10.0.0.1');
    await waitFor('input-error on the space', () => hasInputError(space), 5000);
    // the reason shows as a tooltip when the pointer comes over the field
    await page.mouse.move(5, 500);
    await space.hover();
    await waitFor('the validation message', async () => /allowed only for loopback hosts/.test((await page.locator('.red-ui-popover:visible').allInnerTexts()).join(' ')), 5000);
    await page.mouse.move(5, 500);
    await typeInto(space, 'https://example.signalwire.com');
    await waitFor('no input-error on an https space', async () => !(await hasInputError(space)), 5000);
    await typeInto(space, 'not a space!');
    await waitFor('input-error on a malformed space', () => hasInputError(space), 5000);
    // a page of the SignalWire website pasted as the space: the dialog says what to type instead
    await typeInto(space, 'example.signalwire.com/dashboard');
    await waitFor('input-error on a pasted dashboard URL', () => hasInputError(space), 5000);
    await page.mouse.move(5, 500);
    await space.hover();
    await waitFor('the validation message for the pasted URL', async () => (await page.locator('.red-ui-popover:visible').allInnerTexts()).join(' ').includes('/dashboard is not an address of SignalWire\'s API; type just example.signalwire.com'), 5000);
    await page.mouse.move(5, 500);
    await typeInto(space, h.space.url);
    await waitFor('no input-error on the loopback space', async () => !(await hasInputError(space)), 5000);

    // a space that is not *.signalwire.com: the dialog says, as one types, where the credentials go
    const note = page.locator('#node-config-signalwire-host-tip');
    const host = new URL(h.space.url).host;
    assert.equal((await note.innerText()).trim(), `Not a SignalWire space (*.signalwire.com): the Project ID and API token will be sent to ${host}.`);
    for (const [typed, shown] of [
      ['https://api.twilio.com/2010-04-01', 'api.twilio.com'],
      ['example', ''],
      ['example.signalwire.com', ''],
      ['https://Example.SignalWire.com/', ''],
      ['https://example.signalwire.com.attacker.example:8443', 'example.signalwire.com.attacker.example:8443'],
      ['compat.example.net', 'compat.example.net'],
      ['http://10.0.0.1', ''], // invalid: the validation message says why, not the note
      ['', ''], // the environment decides
      [h.space.url, host],
    ]) {
      await typeInto(space, typed);
      await waitFor(`the host note for "${typed}"`, async () => ((await note.isVisible()) ? await note.getAttribute('data-host') : '') === shown, 5000);
      if (shown) assert.match(await note.innerText(), new RegExp(`will be sent to ${shown.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.`));
    }

    await typeInto(page.locator('#node-config-input-retries'), '11');
    await waitFor('input-error on 11 retries', () => hasInputError(page.locator('#node-config-input-retries')), 5000);
    await typeInto(page.locator('#node-config-input-retries'), '3');

    await page.locator('#node-config-dialog-ok').click(); // Add
    await space.waitFor({ state: 'detached' });
    // back in the list node's dialog, with the new config node selected
    const select = page.locator('#node-input-space');
    await waitFor('the new config node selected', async () => (await select.locator('option:checked').innerText()) === 'Fake space');
    // the editor validates the select again after the choice: wait for it rather than race it
    await waitFor('no input-error on the chosen space', async () => !(await hasInputError(select)), 5000);

    const mode = page.locator('#node-input-mode');
    const pageSize = page.locator('#node-input-pageSize');
    for (const m of ['all', 'page', 'pages']) {
      await mode.selectOption(m);
      assert.deepEqual(await wrappedLabels(page), [], `every label of the list dialog on one line (mode ${m})`);
    }
    await mode.selectOption('all');
    assert.equal(await pageSize.isVisible(), false, 'no page size in the "all pages" mode');
    await mode.selectOption('page');
    await pageSize.waitFor({ state: 'visible' });
    assert.equal(await page.locator('#node-input-maxPages').isVisible(), false);
    await typeInto(pageSize, '5000');
    await waitFor('input-error on page size 5000', () => hasInputError(pageSize), 5000);
    await typeInto(pageSize, '50');
    await waitFor('no input-error on page size 50', async () => !(await hasInputError(pageSize)), 5000);
    await page.locator('#node-dialog-ok').click();
    await page.locator('#node-dialog-ok').waitFor({ state: 'detached' });

    // the get node: choose the same config node in its dialog
    await openNodeDialog(page, getId);
    assert.deepEqual(await wrappedLabels(page), [], 'every label of the get dialog on one line');
    const getSelect = page.locator('#node-input-space');
    const options = await getSelect.locator('option').allInnerTexts();
    assert.ok(options.includes('Fake space'), `config node offered: ${options.join(', ')}`);
    await getSelect.selectOption({ label: 'Fake space' });
    await page.locator('#node-dialog-ok').click();
    await page.locator('#node-dialog-ok').waitFor({ state: 'detached' });
    for (const id of [listId, getId]) {
      await waitFor('the node no longer marked invalid', async () => (await nodeById(page, id).locator('.red-ui-flow-node-error:not(.hide)').count()) === 0, 5000);
    }

    await deploy(page);
    const flows = await deployedFlows(h.nodeRed);
    const cfg = flows.find((n) => n.type === 'signalwire-space' && n.name === 'Fake space');
    assert.ok(cfg, 'config node deployed');
    assert.equal(cfg.space, h.space.url);
    assert.equal(String(cfg.retries), '3');
    assert.equal(JSON.stringify(cfg).includes(h.space.apiToken), false, 'the token is never in the flows');
    const list = flows.find((n) => n.id === listId);
    assert.equal(list.space, cfg.id);
    assert.equal(list.mode, 'page');
    assert.equal(String(list.pageSize), '50');
    assert.equal(flows.find((n) => n.id === getId).space, cfg.id);
  });

  it('Test connection with the stored token: ok for its own space, refused for another (which gets no request)', async function () {
    await openNodeDialog(page, listId);
    await page.locator('#node-input-btn-space-edit, #node-input-lookup-space').first().click();
    const token = page.locator('#node-config-input-apiToken');
    await token.waitFor({ state: 'visible' });
    assert.equal(await token.inputValue(), '__PWRD__', 'the editor never gets the stored token back');
    assert.equal(await testConnection(page), 'ok');
    assert.equal((await page.locator('#node-config-signalwire-test-result').innerText()).trim(), `Connected to ${h.space.url}`, 'the stored credentials are not from the environment');

    // a second space that would accept the same credentials: the stored token must not go there
    const other = new FakeSpace({ projectId: h.space.projectId, apiToken: h.space.apiToken });
    try {
      await typeInto(page.locator('#node-config-input-space'), await other.start());
      assert.equal(await testConnection(page), 'invalid');
      assert.match(await page.locator('#node-config-signalwire-test-result').innerText(), /Settings incomplete or invalid/);
      assert.equal(other.requests.length, 0, 'the other space got no request');
    } finally {
      await other.close();
    }
    await page.locator('#node-config-dialog-cancel').click();
    await page.locator('#node-config-input-space').waitFor({ state: 'detached' });
    await page.locator('#node-dialog-cancel').click();
    await page.locator('#node-dialog-ok').waitFor({ state: 'detached' });
    const flows = await deployedFlows(h.nodeRed);
    assert.equal(flows.find((n) => n.type === 'signalwire-space' && n.name === 'Fake space')?.space, h.space.url, 'cancel kept the deployed space');
  });

  it('help sidebar: each node type shows its help with Inputs / Outputs / Details (config node: Properties / Details)', async function () {
    const expected: [string, string, string[]][] = [
      ['signalwire-list-participants', 'list participants', ['Inputs', 'Outputs', 'Errors', 'Details']],
      ['signalwire-get-participant', 'get participant', ['Inputs', 'Outputs', 'Errors', 'Details']],
      ['signalwire-space', 'SignalWire space', ['Properties', 'Details']],
    ];
    await openSidebarTab(page, 'help');
    for (const [type, title, headings] of expected) {
      if (type === 'signalwire-space') {
        // a config node is not on the workspace: pick it in the help's table of contents
        const tocButton = page.locator('#red-ui-sidebar-help-show-toc');
        if (!((await tocButton.getAttribute('class')) ?? '').includes('selected')) await tocButton.click();
        const toc = page.locator('.red-ui-sidebar-help-toc');
        await toc.locator('.red-ui-treeList-label', { hasText: 'node-red-contrib-signalwire' }).first().waitFor({ state: 'visible' });
        const entry = toc.locator('.red-ui-treeList-label', { hasText: /^SignalWire space$/ });
        if (!(await entry.isVisible())) await toc.locator('.red-ui-treeList-label', { hasText: 'node-red-contrib-signalwire' }).first().click();
        await entry.click();
      } else {
        await page.mouse.click(700, 600);
        await nodeById(page, type === 'signalwire-list-participants' ? listId : getId).locator('rect.red-ui-flow-node').click();
      }
      const help = page.locator('.red-ui-sidebar-help-stack .red-ui-help').first();
      await waitFor(`help for ${type}`, async () => ((await help.locator('h1').first().innerText().catch(() => '')) || '').trim() === title, 10_000);
      const h3 = (await help.locator('h3:visible').allInnerTexts()).map((s) => s.trim());
      for (const heading of headings) assert.ok(h3.includes(heading), `${type} help has "${heading}" (got ${h3.join(', ')})`);
      const text = await help.innerText();
      assert.ok(text.length > 800, `${type} help is more than a stub`);
      assert.doesNotMatch(text, /signalwire-[a-z-]+\.(label|tip|errors)\./, 'no untranslated message keys');
      if (type === 'signalwire-list-participants') {
        assert.match(text, /msg\.paging/);
        await closeNotifications(page);
        await page.screenshot({ path: screenshotPath('help.png') });
      }
    }
  });

  it('the conference roster: from the palette with one input and two labelled outputs, its dialog validated by the shared rules, its help', async function () {
    const type = 'signalwire-conference-roster';
    await filterPalette(page, type);
    const before = await nodeIds(page, type);
    await dragFromPalette(page, type, 220, 320);
    const [id] = await waitFor('the roster on the workspace', () => nodeIds(page, type).then((a) => (a.length === before.length + 1 ? a.filter((x) => !before.includes(x)) : null)));
    rosterId = id;
    const node = nodeById(page, id);
    await node.waitFor({ state: 'visible' });
    assert.equal((await node.locator('.red-ui-flow-node-label').textContent())?.trim(), 'conference roster');
    assert.equal(await node.locator('.red-ui-flow-port-input').count(), 1, 'one input');
    assert.equal(await node.locator('.red-ui-flow-port-output').count(), 2, 'two outputs');
    assert.deepEqual(
      await page.evaluate((i) => [0, 1].map((n) => RED.nodes.getType('signalwire-conference-roster').outputLabels.call(RED.nodes.node(i), n)), id),
      ['rows of a changed conference', 'live conferences'],
    );
    assert.equal(await page.evaluate(() => RED.nodes.getType('signalwire-conference-roster').category), 'SignalWire');

    await openNodeDialog(page, id);
    assert.deepEqual(await wrappedLabels(page), [], 'every label of the roster dialog on one line');
    for (const field of ['space', 'reconcile', 'callDetails', 'throttle', 'timeZone', 'name']) {
      assert.equal(await page.locator(`#node-input-${field}`).count(), 1, `field ${field}`);
    }
    assert.equal(await page.locator('#node-input-reconcile').inputValue(), '30');
    assert.equal(await page.locator('#node-input-callDetails').isChecked(), true, 'call details on by default');
    assert.equal(await page.locator('#node-input-throttle').inputValue(), '100');
    assert.equal(await page.locator('#node-input-timeZone').inputValue(), '');
    const zone = page.locator('#node-input-timeZone');
    await typeInto(zone, 'Mars/Olympus');
    await waitFor('the time zone marked invalid', () => hasInputError(zone), 5000);
    await typeInto(zone, 'Europe/Berlin');
    await waitFor('the time zone valid', async () => !(await hasInputError(zone)), 5000);
    const reconcile = page.locator('#node-input-reconcile');
    await typeInto(reconcile, '-1');
    await waitFor('reconcile marked invalid', () => hasInputError(reconcile), 5000);
    await typeInto(reconcile, '0');
    await waitFor('reconcile 0 valid', async () => !(await hasInputError(reconcile)), 5000);
    await page.locator('#node-input-space').selectOption({ label: 'Fake space' });
    await page.screenshot({ path: screenshotPath('roster-dialog.png') });
    await page.locator('#node-dialog-ok').click();
    await page.locator('#node-dialog-ok').waitFor({ state: 'detached' });
    const saved = await page.evaluate((i) => {
      const n = RED.nodes.node(i);
      return { reconcile: String(n.reconcile), callDetails: n.callDetails, throttle: String(n.throttle), timeZone: n.timeZone };
    }, id);
    assert.deepEqual(saved, { reconcile: '0', callDetails: true, throttle: '100', timeZone: 'Europe/Berlin' });
    await waitFor('the roster no longer marked invalid', async () => (await node.locator('.red-ui-flow-node-error:not(.hide)').count()) === 0, 5000);

    await openSidebarTab(page, 'help');
    await page.mouse.click(700, 600);
    await node.locator('rect.red-ui-flow-node').click();
    const help = page.locator('.red-ui-sidebar-help-stack .red-ui-help').first();
    await waitFor('the help of the roster', async () => ((await help.locator('h1').first().innerText().catch(() => '')) || '').trim() === 'conference roster', 10_000);
    const h3 = (await help.locator('h3:visible').allInnerTexts()).map((s) => s.trim());
    for (const heading of ['Inputs', 'Outputs', 'Details']) assert.ok(h3.includes(heading), `roster help has "${heading}" (got ${h3.join(', ')})`);
    const text = await help.innerText();
    for (const words of [/refresh/, /callSid, conferenceSid, caller/, /oldest join first/, /Timestamp/, /1,000 conferences/]) assert.match(text, words);
    assert.doesNotMatch(text, /signalwire-[a-z-]+\.(label|tip|errors)\./, 'no untranslated message keys');
  });

  for (const ex of exampleFiles()) {
    it(`Import > Examples: "${ex.name}" imports into a new flow and deploys with no unknown types`, async function () {
      const before = await page.evaluate(() => RED.nodes.filterNodes({}).length);
      await importExample(page, ex.name);
      const flowNodes = ex.flows.filter((n) => typeof n.x === 'number');
      const tab = await page.evaluate(() => RED.workspaces.active());
      const onTab = await page.evaluate((z) => RED.nodes.filterNodes({ z }).map((n: any) => n.type), tab);
      assert.equal(onTab.length, flowNodes.length, 'every flow node of the example is on the new tab');
      assert.ok((await page.evaluate(() => RED.nodes.filterNodes({}).length)) >= before + flowNodes.length);
      const unknown = await page.evaluate(() => RED.nodes.filterNodes({ type: 'unknown' }).map((n: any) => n.name));
      assert.deepEqual(unknown, [], 'no unknown node types in the editor');
      assert.equal(await page.locator('#red-ui-workspace-chart .red-ui-flow-node-unknown').count(), 0);

      const notes = await deploy(page);
      assert.doesNotMatch(notes, /unknown|missing|not installed|improperly configured/i);
      const deployed = await deployedFlows(h.nodeRed);
      for (const n of ex.flows.filter((x) => x.type !== 'signalwire-space' && x.type !== 'tab' && typeof x.x === 'number')) {
        assert.ok(deployed.some((d) => d.type === n.type && d.name === n.name && d.z === tab), `deployed: ${n.type} "${n.name}"`);
      }
      assert.doesNotMatch(h.nodeRed.output(), /Waiting for missing types|Unknown type|Missing node modules/i);
    });
  }

  it('the imported list example runs: its inject lists the fake conference into the debug sidebar', async function () {
    const ex = exampleFiles().find((e) => e.flows.some((n) => n.type === 'inject' && n.name === 'first page'));
    if (!ex) this.skip();
    const injectId = await page.evaluate(() => RED.nodes.filterNodes({ type: 'inject' }).find((n: any) => n.name === 'first page')?.id);
    assert.ok(injectId, 'the "first page" inject was imported');
    const z = await page.evaluate((id) => RED.nodes.node(id).z, injectId);
    await page.evaluate((id) => RED.workspaces.show(id), z);
    await openSidebarTab(page, 'debug');
    await page.locator('.red-ui-sidebar-debug .red-ui-debug-toolbar a[id$="clear"], #red-ui-sidebar-debug-clear').first().click().catch(() => undefined);
    await clickInject(page, injectId);
    const debug = page.locator('.red-ui-debug-msg');
    await waitFor('the participants in the debug sidebar', async () => /participants of this page/.test((await debug.allInnerTexts()).join('\n')), 15_000);
    const text = (await debug.allInnerTexts()).join('\n');
    assert.match(text, /array\[2\]/, 'page size 2 of the example: two participants');
    const listNode = await page.evaluate(() => RED.nodes.filterNodes({ type: 'signalwire-list-participants' }).find((n: any) => n.name === 'one page of participants')?.id);
    await waitFor('the node status', async () => /participant|page/i.test((await nodeById(page, listNode).locator('.red-ui-flow-node-status-label').textContent()) ?? ''), 10_000);
    await closeNotifications(page);
    await page.mouse.click(900, 700);
    await page.screenshot({ path: screenshotPath('editor.png') });
  });

  it('German browser: the dialog and the help come from locales/de, with no raw message keys', async function () {
    await withGermanEditor(h.nodeRed.url, async (p, errors) => {
      await p.evaluate((id) => RED.workspaces.show(RED.nodes.node(id).z), listId);
      assert.match(await paletteEntry(p, 'signalwire-list-participants').innerText(), /Teilnehmer/);
      assert.deepEqual(await badPaletteLabels(p), [], 'every German palette label on its lines, whole words');
      await openNodeDialog(p, listId);
      const dialog = await p.locator('.red-ui-tray').last().innerText();
      assert.match(dialog, /Modus/);
      assert.match(dialog, /eine Seite/);
      assert.doesNotMatch(dialog, /signalwire-[a-z-]+\.[a-z]+\./, 'no raw message keys in the dialog');
      for (const m of ['all', 'page', 'pages']) {
        await p.locator('#node-input-mode').selectOption(m);
        assert.deepEqual(await wrappedLabels(p), [], `every German label of the list dialog on one line (mode ${m})`);
      }
      await p.locator('#node-input-btn-space-edit, #node-input-lookup-space').first().click();
      const space = p.locator('#node-config-input-space');
      await space.waitFor({ state: 'visible' });
      assert.equal((await p.locator('.red-ui-tray-breadcrumbs').last().locator('li').last().innerText()).trim(), "Node 'SignalWire-Space' bearbeiten");
      const config = await p.locator('.red-ui-tray').last().innerText();
      assert.match(config, /Verbindung testen/);
      assert.match(config, /Wiederholungen/);
      assert.doesNotMatch(config, /signalwire-[a-z-]+\.[a-z]+\./, 'no raw message keys in the config dialog');
      assert.deepEqual(await wrappedLabels(p), [], 'every German label of the space dialog on one line ("Wiederholungen", "Max. wartend")');
      assert.equal(await testConnection(p), 'ok');
      assert.equal((await p.locator('#node-config-signalwire-test-result').innerText()).trim(), `Verbunden mit ${h.space.url}`);
      const note = p.locator('#node-config-signalwire-host-tip');
      await typeInto(space, 'https://api.twilio.com/2010-04-01');
      await waitFor('the German host note', async () => (await note.isVisible()) && /api\.twilio\.com/.test(await note.innerText()), 5000);
      assert.equal((await note.innerText()).trim(), 'Kein SignalWire-Space (*.signalwire.com): Projekt-ID und API-Token werden an api.twilio.com gesendet.');
      await p.locator('#node-config-dialog-cancel').click();
      await p.locator('#node-config-input-space').waitFor({ state: 'detached' });
      await p.locator('#node-dialog-cancel').click();
      await p.locator('#node-dialog-ok').waitFor({ state: 'detached' });
      await openNodeDialog(p, getId);
      assert.deepEqual(await wrappedLabels(p), [], 'every German label of the get dialog on one line');
      await p.locator('#node-dialog-cancel').click();
      await p.locator('#node-dialog-ok').waitFor({ state: 'detached' });
      if (rosterId) {
        await openNodeDialog(p, rosterId);
        const roster = await p.locator('.red-ui-tray').last().innerText();
        assert.match(roster, /Abgleich alle/);
        assert.match(roster, /Zeitzone/);
        assert.doesNotMatch(roster, /signalwire-[a-z-]+\.[a-z]+\./, 'no raw message keys in the roster dialog');
        assert.deepEqual(await wrappedLabels(p), [], 'every German label of the roster dialog on one line');
        await p.locator('#node-dialog-cancel').click();
        await p.locator('#node-dialog-ok').waitFor({ state: 'detached' });
      }

      await openSidebarTab(p, 'help');
      await nodeById(p, listId).locator('rect.red-ui-flow-node').click();
      const help = p.locator('.red-ui-sidebar-help-stack .red-ui-help').first();
      await waitFor('the German help', async () => (await help.locator('h3:visible').allInnerTexts()).map((t) => t.trim()).includes('Eingangsdaten'), 10_000);
      const h3 = (await help.locator('h3:visible').allInnerTexts()).map((t) => t.trim());
      for (const heading of ['Eingangsdaten', 'Ausgangsdaten', 'Details']) assert.ok(h3.includes(heading), `German help has "${heading}" (got ${h3.join(', ')})`);
      if (rosterId) {
        await nodeById(p, rosterId).locator('rect.red-ui-flow-node').click();
        await waitFor('the German help of the roster', async () => ((await help.locator('h1').first().innerText().catch(() => '')) || '').trim() === 'Teilnehmer live', 10_000);
        const rosterHeadings = (await help.locator('h3:visible').allInnerTexts()).map((t) => t.trim());
        for (const heading of ['Eingangsdaten', 'Ausgangsdaten', 'Details']) assert.ok(rosterHeadings.includes(heading), `German roster help has "${heading}"`);
        assert.match(await help.innerText(), /Abgleich/);
      }
      assert.deepEqual(errors, []);
    });
  });

  it('the editor page logged no JavaScript errors', function () {
    assert.deepEqual(h.pageErrors, []);
  });
});

/** Clicks Test connection and returns the data-result once it is no longer "testing". */
async function testConnection(page: Page): Promise<string> {
  const result = page.locator('#node-config-signalwire-test-result');
  await page.locator('#node-config-signalwire-test').click();
  return waitFor('the Test connection result', async () => {
    const r = await result.getAttribute('data-result');
    return r && r !== 'testing' ? r : null;
  }, 20_000);
}

/**
 * The palette entries of the SignalWire category whose label Node-RED cannot show well: more
 * than two lines (a palette entry is 82 px wide), or lines that are not the label's own words
 * (a word cut in two, or "Konferenz -" made of a hyphenated word).
 */
async function badPaletteLabels(page: Page): Promise<string[]> {
  const entries = await page.locator('#red-ui-palette-container-SignalWire .red-ui-palette-node').evaluateAll((els) =>
    els.map((e) => ({ label: e.getAttribute('data-palette-label') ?? '', lines: (e.querySelector('.red-ui-palette-label')?.innerHTML ?? '').split(/<br\s*\/?>/i).map((l) => l.replace(/\s+/g, ' ').trim()) })),
  );
  assert.ok(entries.length >= 7, `${entries.length} palette entries`);
  return entries.filter(({ label, lines }) => lines.length > 2 || lines.join(' ') !== label).map(({ label, lines }) => `"${label}" shows as ${JSON.stringify(lines)}`);
}

/**
 * The labels of the open dialog (the last tray) that take more than one line: each visible label
 * of a form row is compared with a copy of itself that may not wrap.
 */
async function wrappedLabels(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const trays = document.querySelectorAll('.red-ui-tray');
    const tray = trays[trays.length - 1];
    if (!tray) return ['no dialog open'];
    const labels = Array.from(tray.querySelectorAll('.form-row > label')) as HTMLElement[];
    return labels
      .filter((l) => l.offsetParent !== null && l.innerText.trim() !== '')
      .flatMap((l) => {
        const probe = l.cloneNode(true) as HTMLElement;
        probe.style.whiteSpace = 'nowrap';
        probe.style.position = 'absolute';
        probe.style.visibility = 'hidden';
        l.parentElement!.appendChild(probe);
        const line = probe.getBoundingClientRect().height;
        probe.remove();
        const height = l.getBoundingClientRect().height;
        return height > line * 1.5 ? [`"${l.innerText.trim()}": ${Math.round(height)}px, one line is ${Math.round(line)}px`] : [];
      });
  });
}
