// Shared by the browser specs: a FakeSpace, a Node-RED child process with this package linked
// into a fresh user dir, and Debian's chromium driven by playwright-core; plus the editor steps
// a person does (palette filter, drag, dialogs, deploy).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { startNodeRed, type RunningNodeRed } from '../../scripts/lib/node-red-process';
import { FakeSpace } from '../../simulator';

export const ROOT = path.resolve(__dirname, '..', '..');
/** Where the README's screenshots are written; SW_SCREENSHOTS_DIR redirects them (e.g. in CI). */
export const SCREENSHOTS = process.env.SW_SCREENSHOTS_DIR ? path.resolve(process.env.SW_SCREENSHOTS_DIR) : path.join(ROOT, 'docs', 'screenshots');
export const EXAMPLES = path.join(ROOT, 'examples');
export const MODULE = 'node-red-contrib-signalwire';
export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
/** The node types package.json declares. */
export const NODE_TYPES: string[] = Object.keys(JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'))['node-red'].nodes);

export interface Harness {
  space: FakeSpace;
  nodeRed: RunningNodeRed;
  context: BrowserContext;
  page: Page;
  /** The conference SID given to Node-RED as SIGNALWIRE_CONFERENCE_SID. */
  conferenceSid: string;
  /** Browser console errors and page errors seen so far. */
  pageErrors: string[];
  userDir: string;
  stop(): Promise<void>;
}

export interface HarnessOptions {
  flows?: unknown[];
  /** Extra environment for Node-RED. */
  env?: NodeJS.ProcessEnv;
  /** Participants in the conference named by SIGNALWIRE_CONFERENCE_SID. */
  participants?: number;
  viewport?: { width: number; height: number };
}

/** The environment for Node-RED: without what npm and tsx put into this process. */
function nodeRedEnv(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^npm_/i.test(k) || k === 'NODE_OPTIONS' || /^SIGNALWIRE_/.test(k)) continue;
    env[k] = v;
  }
  return { ...env, ...extra };
}

/**
 * Everything a browser test needs. Whatever has been started is stopped again when a later
 * step fails, so a failing `before` leaves no process behind.
 */
export async function startHarness(opts: HarnessOptions = {}): Promise<Harness> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sw-browser-'));
  const userDir = path.join(tmp, 'userdir');
  const browserDir = path.join(tmp, 'chromium');
  fs.mkdirSync(path.join(userDir, 'node_modules'), { recursive: true });
  // SW_BROWSER_MODULE_DIR: another copy of the package (e.g. a deliberately broken one, to see the tests fail)
  fs.symlinkSync(process.env.SW_BROWSER_MODULE_DIR || ROOT, path.join(userDir, 'node_modules', MODULE), 'dir');

  const space = new FakeSpace();
  let nodeRed: RunningNodeRed | undefined;
  let context: BrowserContext | undefined;
  const cleanup = async () => {
    await context?.close().catch(() => undefined);
    await nodeRed?.stop().catch(() => undefined);
    await space.close().catch(() => undefined);
    removeDir(tmp);
  };
  try {
    const origin = await space.start();
    const conferenceSid = space.addConference();
    space.addParticipants(conferenceSid, opts.participants ?? 3);
    nodeRed = await startNodeRed({
      userDir,
      flows: opts.flows ?? [],
      env: nodeRedEnv({
        SIGNALWIRE_SPACE: origin,
        SIGNALWIRE_PROJECT_ID: space.projectId,
        SIGNALWIRE_API_TOKEN: space.apiToken,
        SIGNALWIRE_CONFERENCE_SID: conferenceSid,
        ...(opts.env ?? {}),
      }),
    });
    context = await launchBrowser(browserDir, { viewport: opts.viewport });
    const page = context.pages()[0] ?? (await context.newPage());
    page.setDefaultTimeout(15_000);
    const pageErrors: string[] = [];
    page.on('pageerror', (err) => pageErrors.push(err.stack ?? String(err)));
    page.on('console', (m) => {
      if (m.type() === 'error') pageErrors.push(m.text());
    });
    return {
      space,
      nodeRed,
      context,
      page,
      conferenceSid,
      pageErrors,
      userDir,
      stop: cleanup,
    };
  } catch (err) {
    await cleanup();
    throw err;
  }
}

/**
 * Debian's chromium, headless, with a fresh profile in `dir` (Playwright refuses --user-data-dir
 * in args). HOME points into `dir` too, so its crash reporter writes nothing to ~/.config.
 */
export function launchBrowser(dir: string, opts: { viewport?: { width: number; height: number }; locale?: string } = {}): Promise<BrowserContext> {
  const home = path.join(dir, 'home');
  fs.mkdirSync(home, { recursive: true });
  return chromium.launchPersistentContext(dir, {
    executablePath: CHROMIUM,
    env: { ...process.env, HOME: home, XDG_CONFIG_HOME: path.join(home, '.config'), XDG_CACHE_HOME: path.join(home, '.cache') },
    headless: true,
    viewport: opts.viewport ?? { width: 1400, height: 900 },
    locale: opts.locale ?? 'en-US',
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/** rm -rf that retries (chromium may still be flushing its profile) and never throws. */
export function removeDir(dir: string): void {
  try {
    fs.rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
  } catch (err) {
    console.warn(`could not remove ${dir}: ${String(err)}`);
  }
}

export function screenshotPath(name: string): string {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  return path.join(SCREENSHOTS, name);
}

/** Polls fn until it returns a truthy value; throws with the last value/error on timeout. */
export async function waitFor<T>(what: string, fn: () => Promise<T> | T, timeoutMs = 15_000, intervalMs = 200): Promise<NonNullable<T>> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v as NonNullable<T>;
      last = v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last: ${last instanceof Error ? last.message : JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

// ------------------------------------------------------------------ the editor

declare const RED: any; // the editor's global, inside page.evaluate

/** Opens the editor and waits until the palette shows this package's nodes. */
export async function openEditor(page: Page, url: string): Promise<void> {
  await page.goto(url + '/');
  await page.waitForFunction(() => typeof RED !== 'undefined' && RED.nodes && RED.nodes.getType('signalwire-list-participants') && RED.workspaces && RED.workspaces.active(), null, { timeout: 30_000 });
  await page.locator('#red-ui-palette .red-ui-palette-node[data-palette-type="signalwire-list-participants"]').waitFor({ state: 'attached' });
  await page.locator('#red-ui-workspace-chart').waitFor({ state: 'visible' });
  // the loader overlay fades away after the flows are loaded
  await page.waitForFunction(() => !document.querySelector('#red-ui-loading-progress') || getComputedStyle(document.querySelector('#red-ui-loading-progress')!).display === 'none', null, { timeout: 30_000 }).catch(() => undefined);
}

/** Types into the palette's filter box (clears it first). */
export async function filterPalette(page: Page, text: string): Promise<void> {
  const input = page.locator('#red-ui-palette-search input');
  await input.click();
  await input.fill('');
  await input.pressSequentially(text, { delay: 20 });
  // the search box applies the filter after a short delay: wait until it has
  await page.waitForFunction((t) => {
    const re = new RegExp(t.replace(/[-\/\\^$*+?.()|[\]{}]/g, '\\$&'), 'i');
    return Array.from(document.querySelectorAll('#red-ui-palette-container .red-ui-palette-node')).every((el) => {
      const match = re.test(el.getAttribute('data-palette-type') ?? '') || re.test(el.getAttribute('data-palette-label') ?? '');
      return match === (el.getAttribute('data-filter') !== 'true');
    });
  }, text, { timeout: 10_000 });
}

export function paletteEntry(page: Page, type: string): Locator {
  return page.locator(`#red-ui-palette .red-ui-palette-node[data-palette-type="${type}"]`);
}

/** Drags a (visible) palette entry onto the workspace at the given offset within the chart. */
export async function dragFromPalette(page: Page, type: string, x: number, y: number): Promise<void> {
  const entry = paletteEntry(page, type);
  await entry.waitFor({ state: 'visible' });
  await entry.scrollIntoViewIfNeeded();
  // categories open with an animation: wait until the entry stops moving
  let from = (await entry.boundingBox())!;
  for (let i = 0; i < 50; i++) {
    await page.waitForTimeout(100);
    const now = (await entry.boundingBox())!;
    if (now.x === from.x && now.y === from.y) break;
    from = now;
  }
  const chart = (await page.locator('#red-ui-workspace-chart').boundingBox())!;
  await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
  await page.mouse.down();
  // jQuery UI starts a drag only after the mouse has moved a little
  await page.mouse.move(from.x + from.width / 2 + 10, from.y + from.height / 2 + 5, { steps: 3 });
  await page.mouse.move(chart.x + x, chart.y + y, { steps: 15 });
  await page.mouse.up();
}

/** Ids of the nodes of a type on the active workspace, from the editor's model. */
export function nodeIds(page: Page, type: string): Promise<string[]> {
  return page.evaluate((t) => RED.nodes.filterNodes({ type: t, z: RED.workspaces.active() }).map((n: any) => n.id), type);
}

/** The SVG group of one node by id. */
export function nodeById(page: Page, id: string): Locator {
  return page.locator(`#red-ui-workspace-chart g.red-ui-flow-node-group[id="${id}"]`);
}

/** Opens a node's edit dialog by double-clicking it in the workspace. */
export async function openNodeDialog(page: Page, id: string): Promise<void> {
  await nodeById(page, id).locator('rect.red-ui-flow-node').dblclick();
  await page.locator('#node-dialog-ok').waitFor({ state: 'visible' });
}

export async function hasInputError(locator: Locator): Promise<boolean> {
  return (await locator.getAttribute('class') ?? '').split(/\s+/).includes('input-error');
}

/** Types like a person: clears the field, then key by key (Node-RED validates on keyup). */
export async function typeInto(locator: Locator, text: string): Promise<void> {
  await locator.click();
  await locator.fill('');
  await locator.pressSequentially(text);
}

/**
 * Clicks Deploy; resolves with the text of the notifications it produced once "Successfully
 * deployed" shows, and throws when the editor asks for confirmation instead (unknown, invalid or
 * unused nodes) or reports an error.
 */
export async function deploy(page: Page): Promise<string> {
  const button = page.locator('#red-ui-header-button-deploy');
  await waitFor('the Deploy button to be enabled', async () => !(await button.getAttribute('class'))?.includes('disabled'), 10_000);
  await page.evaluate(() => document.querySelectorAll('.red-ui-notification').forEach((n) => n.setAttribute('data-test-seen', '1')));
  await button.click();
  const fresh = page.locator('.red-ui-notification:not([data-test-seen])');
  const text = await waitFor('the deploy notification', async () => {
    const t = (await fresh.allInnerTexts()).join('\n---\n');
    return /Successfully deployed|confirm|unknown|improperly|error|missing/i.test(t) ? t : null;
  }, 20_000);
  if (!/Successfully deployed/.test(text)) throw new Error(`deploy did not succeed:\n${text}`);
  return text;
}

/**
 * Hides the notifications still on screen (they would cover the workspace in screenshots). Not
 * removed: the editor removes them itself when their time is up.
 */
export async function closeNotifications(page: Page): Promise<void> {
  await page.evaluate(() => document.querySelectorAll('.red-ui-notification').forEach((n) => ((n as HTMLElement).style.visibility = 'hidden')));
}

/**
 * Shows a sidebar tab by its button. Node-RED 4 always shows the clicked tab; in 5 the buttons
 * toggle, so the button is clicked only when the tab is not already showing.
 */
export async function openSidebarTab(page: Page, id: string): Promise<void> {
  const showing = () => page.evaluate((t) => {
    const li = document.querySelector(`#red-ui-tab-${t}`);
    return !!li && li.classList.contains('active') && !!document.querySelector('#red-ui-sidebar') && (document.querySelector('#red-ui-sidebar') as HTMLElement).offsetWidth > 0;
  }, id);
  if (!(await showing())) await page.locator(`#red-ui-tab-${id}-link-button`).click();
  await waitFor(`the ${id} sidebar tab`, showing, 5000);
}

/** Clicks the button of an inject node. */
export async function clickInject(page: Page, id: string): Promise<void> {
  await nodeById(page, id).locator('.red-ui-flow-node-button').click();
}

/**
 * Menu > Import > Examples > node-red-contrib-signalwire > title, into a new flow. When the
 * example's config node already exists (the examples share one), the editor asks: "View nodes..."
 * and "Import selected" keep the existing config node, as a person would. The imported nodes
 * hang on the mouse until a click places them.
 */
export async function importExample(page: Page, title: string): Promise<void> {
  // the editor places imported nodes where the pointer last was over the workspace
  const chart = (await page.locator('#red-ui-workspace-chart').boundingBox())!;
  const drop = { x: chart.x + 60, y: chart.y + 30 };
  await page.mouse.move(drop.x, drop.y, { steps: 3 });
  await page.locator('#red-ui-header-button-sidemenu').click();
  await page.locator('#menu-item-import').click();
  await page.locator('#red-ui-tab-red-ui-clipboard-dialog-import-tab-examples a').click();
  const tab = page.locator('#red-ui-clipboard-dialog-import-tab-examples');
  const moduleEntry = tab.locator('.red-ui-treeList-label', { hasText: MODULE });
  await moduleEntry.waitFor({ state: 'visible' });
  const entry = tab.locator('.red-ui-treeList-label', { hasText: title });
  if (!(await entry.isVisible())) await moduleEntry.click();
  await entry.click();
  await page.locator('#red-ui-clipboard-dialog-import-opt-new').click();
  await page.locator('#red-ui-clipboard-dialog-ok').click();
  const conflict = page.locator('.red-ui-notification', { hasText: 'already exist' });
  const state = () => page.evaluate(() => RED.view.state());
  await waitFor('the import to finish or ask', async () => (await conflict.isVisible()) || (await state()) === 8, 10_000);
  if (await conflict.isVisible()) {
    await conflict.getByRole('button', { name: /View nodes/ }).click();
    const list = page.locator('#red-ui-clipboard-dialog-import-conflicts-list');
    await list.waitFor({ state: 'visible' });
    // the existing (identical) config node is not replaced
    for (const cb of await list.locator('input[type="checkbox"][data-node-id]:checked').all()) {
      const nodeId = await cb.getAttribute('data-node-id');
      if (await page.evaluate((i) => !!RED.nodes.node(i) && RED.nodes.node(i).x === undefined, nodeId)) await cb.uncheck();
    }
    await page.locator('#red-ui-clipboard-dialog-import-conflict').click();
  }
  await waitFor('the imported nodes on the mouse', async () => (await state()) === 8, 10_000);
  await page.mouse.move(drop.x + 1, drop.y + 1, { steps: 2 });
  await page.mouse.click(drop.x, drop.y);
  await waitFor('the nodes placed', async () => (await state()) === 0, 5000);
  // The editor keeps the leftmost node's box at the workspace edge, so an inject node's button
  // would be cut off: drag the (still selected) imported nodes a little to the right.
  const xs = () => page.evaluate(() => RED.nodes.filterNodes({ z: RED.workspaces.active() }).map((n: any) => n.x - n.w / 2));
  const before = Math.min(...(await xs()));
  // select all (click on an empty spot, ctrl-a), then drag one of them
  const chartBox = (await page.locator('#red-ui-workspace-chart').boundingBox())!;
  await page.mouse.click(chartBox.x + chartBox.width - 40, chartBox.y + chartBox.height - 40);
  await page.keyboard.press('Control+a');
  const grip = await page.evaluate(() => {
    const nodes = RED.view.selection().nodes ?? [];
    return (nodes.find((x: any) => x.type !== 'comment') ?? nodes[0])?.id ?? null;
  });
  if (grip) {
    const box = (await nodeById(page, grip).locator('rect.red-ui-flow-node').boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2 + 30, box.y + box.height / 2 + 10, { steps: 5 });
    await page.mouse.move(box.x + box.width / 2 + 60, box.y + box.height / 2 + 20, { steps: 5 });
    await page.mouse.up();
    await waitFor('the nodes moved', async () => Math.min(...(await xs())) >= before + 40, 5000);
    await page.mouse.click(chartBox.x + chartBox.width - 40, chartBox.y + chartBox.height - 40); // deselect
  }
}

/** After a failed test: a screenshot into test-results/browser/ (ignored by git). */
export async function saveFailureScreenshot(ctx: Mocha.Context, page: Page | undefined): Promise<void> {
  if (!page || ctx.currentTest?.state !== 'failed') return;
  const dir = path.join(ROOT, 'test-results', 'browser');
  fs.mkdirSync(dir, { recursive: true });
  const name = (ctx.currentTest.fullTitle().replace(/[^a-z0-9]+/gi, '-').slice(0, 100) || 'failed') + '.png';
  await page.screenshot({ path: path.join(dir, name) }).catch(() => undefined);
  // Recovery, not a step under test: close what the failed test left open, so that the next
  // test starts from the plain workspace instead of failing behind a dialog's shade.
  await page
    .evaluate(() => {
      if (typeof RED === 'undefined') return;
      for (let i = 0; i < 5 && document.querySelector('.red-ui-tray'); i++) RED.tray.close();
      (window as any).$?.('.ui-dialog-content').each(function (this: any) {
        try {
          (window as any).$(this).dialog('close');
        } catch {
          // not a dialog
        }
      });
      // A modal notification (e.g. the "Are you sure you want to deploy?" prompt) keeps the
      // full shade over the editor: every later click would land on the shade.
      document.querySelectorAll('.red-ui-notification').forEach((n) => {
        const cancel = Array.from(n.querySelectorAll('button')).find((b) => /cancel|abbrechen/i.test(b.textContent ?? ''));
        if (cancel) cancel.click();
      });
      (window as any).$?.('#red-ui-full-shade').hide();
      if (RED.view.state() !== 0) RED.view.state(0);
    })
    .catch(() => undefined);
}

/** Node-RED's answer to GET /flows (what the runtime has deployed). */
export async function deployedFlows(nodeRed: RunningNodeRed): Promise<any[]> {
  const res = await fetch(`${nodeRed.url}/flows`, { headers: { 'Node-RED-API-Version': 'v1' } });
  if (!res.ok) throw new Error(`GET /flows: ${res.status}`);
  return (await res.json()) as any[];
}

/** The example flow files (examples/*.json), parsed. */
export function exampleFiles(): { file: string; name: string; flows: any[] }[] {
  if (!fs.existsSync(EXAMPLES)) return [];
  return fs
    .readdirSync(EXAMPLES)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => ({ file, name: file.replace(/\.json$/, ''), flows: JSON.parse(fs.readFileSync(path.join(EXAMPLES, file), 'utf8')) as any[] }));
}

/**
 * The hooks of a describe block that works in the editor: a harness with the editor open before
 * its tests (handed to `started`), a screenshot of each failed test, the harness stopped after.
 */
export function useEditor(opts: HarnessOptions, started: (h: Harness) => void): void {
  let h: Harness | undefined;
  before(async function () {
    h = await startHarness(opts);
    started(h);
    await openEditor(h.page, h.nodeRed.url);
  });

  afterEach(async function () {
    await saveFailureScreenshot(this, h?.page);
  });

  after(async function () {
    await h?.stop();
  });
}

/**
 * Runs `body` in an editor opened by a browser of its own in German (de-DE), then closes it; the
 * page's JavaScript errors are handed to `body` to assert on.
 */
export async function withGermanEditor(url: string, body: (page: Page, errors: string[]) => Promise<void>): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sw-browser-de-'));
  const de = await launchBrowser(dir, { locale: 'de-DE' });
  try {
    const page = de.pages()[0] ?? (await de.newPage());
    page.setDefaultTimeout(15_000);
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.stack ?? String(err)));
    await openEditor(page, url);
    await body(page, errors);
  } finally {
    await de.close();
    removeDir(dir);
  }
}
