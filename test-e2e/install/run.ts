// The install check (`npm run test:install`): packs the package the way a fresh clone publishes
// it — `npm pack` in a clean copy of the tree without dist/ and without a prior build, so the
// prepack script has to build it — checks the tarball has the build in it, installs the
// tarball into a fresh Node-RED user directory with npm, and checks
// through the admin API of a real Node-RED 4 (the repo's devDependency, on this machine's
// Node) and Node-RED 5 (under Node 22 from .ci/tmp/nr5) that it loads: node types, version,
// examples, editor HTML, German catalogue and help, icon, and a deployed flow that starts and
// passes a message through a list node to a loopback fake space.
//
// Prints `ok - ` / `not ok - ` per check and closes with `N passed, N failed`.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { startNodeRed, type RunningNodeRed } from '../../scripts/lib/node-red-process';
import {
  MODULE,
  NODE_TYPES,
  PACKAGE_JSON,
  ROOT,
  Report,
  checkFileList,
  childEnv,
  cleanCopy,
  pack,
  packedExamples,
  run,
  seconds,
  tarList,
} from './lib';

const NR5_PREFIX = path.join(ROOT, '.ci', 'tmp', 'nr5');
const NR5_NODE = path.join(NR5_PREFIX, 'node_modules', '.bin', 'node');
const NR5_RED = path.join(NR5_PREFIX, 'node_modules', 'node-red', 'red.js');

interface Target {
  label: string;
  /** Major version of Node-RED expected from /settings. */
  major: number;
  nodeBin: string;
  redJs: string;
}

const report = new Report();

async function ensureNodeRed5(): Promise<void> {
  if (fs.existsSync(NR5_NODE) && fs.existsSync(NR5_RED)) return;
  console.log(`# installing node@22 and node-red@5 into ${path.relative(ROOT, NR5_PREFIX)}`);
  const t = Date.now();
  await run('npm', ['install', '--no-save', '--no-audit', '--no-fund', '--loglevel=error', '--prefix', NR5_PREFIX, 'node@22', 'node-red@5'], {
    timeoutMs: 300_000,
  });
  console.log(`# installed in ${seconds(t)}`);
}

async function fetchText(url: string, init: RequestInit = {}): Promise<{ status: number; text: string; type: string }> {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(15_000) });
  return { status: res.status, text: await res.text(), type: res.headers.get('content-type') ?? '' };
}

async function getJson(nr: RunningNodeRed, p: string, headers: Record<string, string> = {}): Promise<{ status: number; body: unknown }> {
  const r = await fetchText(nr.url + p, { headers: { Accept: 'application/json', ...headers } });
  let body: unknown;
  try {
    body = JSON.parse(r.text);
  } catch {
    body = r.text;
  }
  return { status: r.status, body };
}

function readJson(file: string): unknown {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

/**
 * Every example name under /library/examples/flows/<module>, folders followed: a listing is an
 * array of folder names (strings) and flows ({fn: name}). null when the module has none (404).
 */
async function exampleNames(nr: RunningNodeRed, folder = ''): Promise<{ status: number; names: string[] }> {
  const base = `/library/examples/flows/${MODULE}`;
  const res = await getJson(nr, folder ? `${base}/${folder.replace(/\/$/, '').split('/').map(encodeURIComponent).join('/')}` : base);
  if (res.status !== 200 || !Array.isArray(res.body)) return { status: res.status, names: [] };
  const names: string[] = [];
  for (const entry of res.body as Array<string | { fn?: string }>) {
    if (typeof entry === 'string') names.push(...(await exampleNames(nr, `${folder}${entry}/`)).names);
    else if (entry && typeof entry.fn === 'string') names.push(`${folder}${entry.fn}`);
  }
  return { status: res.status, names: names.sort() };
}

/** A loopback stand-in for the space: one page of participants for the deployed flow. */
function fakeSpace(): Promise<{ server: http.Server; port: number; requests: Array<{ url: string; auth: string }> }> {
  const requests: Array<{ url: string; auth: string }> = [];
  const server = http.createServer((req, res) => {
    requests.push({ url: req.url ?? '', auth: req.headers.authorization ?? '' });
    const m = /^\/api\/laml\/2010-04-01\/Accounts\/([^/]+)\/Conferences\/([^/]+)\/Participants(?:\.json)?(\?.*)?$/.exec(req.url ?? '');
    if (req.method !== 'GET' || !m) {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ code: 20404, message: 'not found', status: 404 }));
      return;
    }
    const participants = [
      { account_sid: m[1], call_sid: 'CA-install-check-1', conference_sid: m[2], muted: false, hold: false, status: 'connected' },
      { account_sid: m[1], call_sid: 'CA-install-check-2', conference_sid: m[2], muted: true, hold: false, status: 'connected' },
    ];
    res.writeHead(200, { 'content-type': 'application/json' }).end(
      JSON.stringify({ participants, page: 0, page_size: participants.length, next_page_uri: null, uri: req.url, first_page_uri: req.url }),
    );
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as { port: number }).port, requests })));
}

async function waitFor(cond: () => boolean, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (cond()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return cond();
}

/** Log lines at warn/error level that mention the package or one of its node types. */
function ourProblems(output: string): string[] {
  const names = [MODULE, ...NODE_TYPES];
  return output
    .split('\n')
    .filter((l) => /\[(warn|error)\]/.test(l) && names.some((n) => l.includes(n)))
    .filter((l) => !/Error loading library entry '[^']+': Error: not_found/.test(l)); // no examples yet: reported below
}

async function checkTarget(target: Target, tarball: string, tarballFiles: string[]): Promise<void> {
  const t0 = Date.now();
  const tag = `[${target.label}]`;
  const nodeVersion = (await run(target.nodeBin, ['--version'], { cwd: os.tmpdir() })).stdout.trim();
  const nrVersion = (readJson(path.join(path.dirname(target.redJs), 'package.json')) as { version: string }).version;
  console.log(`# ${target.label}: Node-RED ${nrVersion} (${path.relative(ROOT, target.redJs)}) on Node ${nodeVersion} (${target.nodeBin === process.execPath ? 'this machine\'s node' : path.relative(ROOT, target.nodeBin)})`);

  const userDir = fs.mkdtempSync(path.join(os.tmpdir(), `nr-install-${target.label.toLowerCase().replace(/\W+/g, '')}-`));
  let nr: RunningNodeRed | undefined;
  const space = await fakeSpace();
  try {
    // What the palette manager does: a user dir with its own package.json, `npm install` there.
    fs.writeFileSync(
      path.join(userDir, 'package.json'),
      JSON.stringify({ name: 'node-red-project', description: 'install check', version: '0.0.1', private: true }, null, 2),
    );
    const ti = Date.now();
    await run('npm', ['install', tarball, '--no-audit', '--no-fund', '--loglevel=error', '--prefix', userDir], { cwd: userDir, timeoutMs: 180_000 });
    const installed = path.join(userDir, 'node_modules', MODULE);
    const saved = (readJson(path.join(userDir, 'package.json')) as { dependencies?: Record<string, string> }).dependencies ?? {};
    report.check(
      fs.existsSync(path.join(installed, 'package.json')) && MODULE in saved,
      `${tag} npm install <tarball> into a fresh user dir (${seconds(ti)}; saved as ${saved[MODULE]})`,
    );

    const ts = Date.now();
    nr = await startNodeRed({ userDir, nodeBin: target.nodeBin, redJs: target.redJs, env: childEnv() });
    const started = nr;
    const runtimeNode = /Node\.js\s+version:\s*(v\S+)/.exec(nr.output())?.[1];
    const settings = (await getJson(nr, '/settings')).body as { version?: string };
    console.log(`# ${target.label}: started in ${seconds(ts)}; runtime reports Node-RED ${settings.version}, Node.js ${runtimeNode}`);
    report.check(
      String(settings.version ?? '').startsWith(`${target.major}.`) && runtimeNode === nodeVersion,
      `${tag} runs Node-RED ${settings.version} on Node.js ${runtimeNode}`,
      `wanted Node-RED ${target.major}.x on ${nodeVersion}`,
    );

    // Node sets: registered, enabled, no error, the package's version, loaded from the user dir.
    const sets = ((await getJson(nr, '/nodes')).body as Array<Record<string, unknown>>).filter((s) => s.module === MODULE);
    for (const type of NODE_TYPES) {
      const set = sets.find((s) => Array.isArray(s.types) && (s.types as string[]).includes(type));
      report.check(
        !!set && set.enabled === true && !set.err && set.version === PACKAGE_JSON.version,
        `${tag} ${type} is registered, enabled, without load error, version ${PACKAGE_JSON.version}`,
        JSON.stringify(set ?? 'not in GET /nodes'),
      );
    }
    const info = (await getJson(nr, `/nodes/${MODULE}`)).body as { version?: string; path?: string; user?: boolean };
    report.check(
      info.version === PACKAGE_JSON.version && typeof info.path === 'string' && path.resolve(info.path) === path.resolve(installed),
      `${tag} module ${MODULE}@${info.version} loaded from the user dir's node_modules`,
      JSON.stringify({ version: info.version, path: info.path }),
    );
    const problems = ourProblems(nr.output());
    report.check(problems.length === 0, `${tag} no warning or error about the package while loading`, problems.join('\n'));

    // Examples: the names Node-RED lists are the examples/*.json of the tarball.
    const packed = packedExamples(tarballFiles);
    const ex = await exampleNames(nr);
    const listed = ex.names;
    if (packed.length === 0) console.log(`# warning: the tarball has no examples/*.json; Node-RED lists ${listed.length} (HTTP ${ex.status})`);
    report.check(
      isDeepStrictEqual(listed, packed),
      `${tag} examples listed by /library/examples/flows/${MODULE}: ${listed.length ? listed.join(', ') : 'none'}`,
      `HTTP ${ex.status}; tarball has: ${packed.join(', ') || 'none'}`,
    );
    for (const name of listed) {
      const flow = await getJson(nr, `/library/examples/flows/${MODULE}/${name.split('/').map(encodeURIComponent).join('/')}`);
      const types = Array.isArray(flow.body) ? new Set((flow.body as Array<{ type?: string }>).map((n) => n.type)) : new Set<string>();
      report.check(
        flow.status === 200 && Array.isArray(flow.body) && NODE_TYPES.some((t) => types.has(t)),
        `${tag} example "${name}" is served as a flow using this package's nodes`,
        `HTTP ${flow.status}: ${JSON.stringify(flow.body).slice(0, 200)}`,
      );
    }

    // Editor: each node's definition, the German help and catalogue, the icon.
    for (const type of NODE_TYPES) {
      const html = await fetchText(`${nr.url}/nodes/${MODULE}/${type}`, { headers: { Accept: 'text/html' } });
      report.check(
        html.status === 200 && html.text.includes(`registerType('${type}'`) && html.text.includes(`data-template-name="${type}"`),
        `${tag} editor HTML of ${type} is served (registerType('${type}', data-template-name)`,
        `HTTP ${html.status}, ${html.text.length} chars`,
      );
    }
    const all = await fetchText(`${nr.url}/nodes`, { headers: { Accept: 'text/html', 'Accept-Language': 'de' } });
    for (const type of NODE_TYPES) {
      const helpFile = path.join(installed, 'dist', 'nodes', 'locales', 'de', `${type}.html`);
      const first = fs.existsSync(helpFile) ? /<p>([\s\S]*?)<\/p>/.exec(fs.readFileSync(helpFile, 'utf8'))?.[1]?.trim() : undefined;
      report.check(
        all.status === 200 && !!first && all.text.includes(`data-help-name="${type}"`) && all.text.includes(first),
        `${tag} German help of ${type} is in GET /nodes (Accept-Language: de)`,
        first ? `first paragraph not found: ${first.slice(0, 80)}` : `no <p> in ${helpFile}`,
      );
    }
    const catalogues = (await getJson(nr, '/nodes/messages?lng=de')).body as Record<string, unknown>;
    for (const type of NODE_TYPES) {
      const want = readJson(path.join(installed, 'dist', 'nodes', 'locales', 'de', `${type}.json`));
      const english = readJson(path.join(installed, 'dist', 'nodes', 'locales', 'en-US', `${type}.json`));
      const perSet = (await getJson(nr, `/nodes/${MODULE}/${type}/messages?lng=de`)).body;
      const got = catalogues[`${MODULE}/${type}`];
      const label = (got as Record<string, { label?: { default?: string } }> | undefined)?.[type]?.label?.default;
      report.check(
        isDeepStrictEqual(got, want) && isDeepStrictEqual(perSet, want) && !isDeepStrictEqual(want, english),
        `${tag} German catalogue of ${type} is served (label "${label}")`,
        `GET /nodes/messages?lng=de has ${JSON.stringify(got)?.slice(0, 200)}`,
      );
    }
    const icon = await fetchText(`${nr.url}/icons/${MODULE}/signalwire.svg`);
    report.check(icon.status === 200 && icon.text.includes('<svg'), `${tag} icon /icons/${MODULE}/signalwire.svg answers 200 (${icon.type})`, `HTTP ${icon.status}`);
    // Without it the editor never finishes loading the node HTML that asks for it.
    const shared = await fetchText(`${nr.url}/resources/${MODULE}/signalwire-editor.js`);
    report.check(shared.status === 200 && shared.text.includes('window.SignalWireEditor'), `${tag} shared editor script /resources/${MODULE}/signalwire-editor.js answers 200 (${shared.type})`, `HTTP ${shared.status}`);

    // Deploy: a config node, a list node between an inject and a file node; the message goes
    // to the loopback fake space and its participants land in the file.
    const outFile = path.join(userDir, 'participants.json');
    const flows = [
      { id: 'installtab', type: 'tab', label: 'install check' },
      {
        id: 'installspace',
        type: 'signalwire-space',
        name: 'install check',
        space: `http://127.0.0.1:${space.port}`,
        timeout: 10,
        retries: 0,
        maxInFlight: 10,
        credentials: { projectId: 'install-check-project', apiToken: 'install-check-token' },
      },
      { id: 'installinject', type: 'inject', z: 'installtab', name: '', props: [{ p: 'payload' }], payload: '', payloadType: 'date', repeat: '', crontab: '', once: true, onceDelay: 0.5, topic: '', x: 120, y: 80, wires: [['installlist']] },
      {
        id: 'installlist',
        type: 'signalwire-list-participants',
        z: 'installtab',
        name: '',
        space: 'installspace',
        conferenceSid: 'CF-install-check',
        conferenceSidType: 'str',
        muted: 'msg',
        hold: 'msg',
        mode: 'all',
        pageSize: '',
        page: '',
        pageToken: '',
        maxPages: 200,
        x: 320,
        y: 80,
        wires: [['installfile']],
      },
      { id: 'installfile', type: 'file', z: 'installtab', name: '', filename: outFile, filenameType: 'str', appendNewline: false, createDir: false, overwriteFile: 'true', encoding: 'none', x: 520, y: 80, wires: [[]] },
    ];
    const before = nr.output().length;
    const deploy = await fetchText(`${nr.url}/flows`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Node-RED-Deployment-Type': 'full', 'Node-RED-API-Version': 'v1' },
      body: JSON.stringify(flows),
    });
    const after = () => started.output().slice(before);
    const restarted = await waitFor(() => /Started flows/.test(after()), 15_000);
    report.check(deploy.status === 204 && restarted, `${tag} POST /flows (config node + list node) deployed and the flows started`, `HTTP ${deploy.status} ${deploy.text}\n${after()}`);
    const deployed = (await getJson(nr, '/flows')).body as Array<{ id: string; type: string }>;
    report.check(
      Array.isArray(deployed) && ['signalwire-space', 'signalwire-list-participants'].every((t) => deployed.some((n) => n.type === t)),
      `${tag} GET /flows returns the deployed signalwire nodes`,
      JSON.stringify(deployed).slice(0, 300),
    );
    const creds = (await getJson(nr, '/credentials/signalwire-space/installspace')).body as Record<string, unknown>;
    report.check(
      creds.projectId === 'install-check-project' && creds.has_apiToken === true && !('apiToken' in creds),
      `${tag} the space's credentials are stored (projectId shown, apiToken only as has_apiToken)`,
      JSON.stringify(creds),
    );
    const arrived = await waitFor(() => fs.existsSync(outFile) && fs.statSync(outFile).size > 0, 15_000);
    let calls: string[] = [];
    try {
      calls = arrived ? (JSON.parse(fs.readFileSync(outFile, 'utf8')) as Array<{ call_sid: string }>).map((p) => p.call_sid) : [];
    } catch {
      calls = [];
    }
    const basic = `Basic ${Buffer.from('install-check-project:install-check-token').toString('base64')}`;
    report.check(
      isDeepStrictEqual(calls, ['CA-install-check-1', 'CA-install-check-2']) && space.requests.length >= 1 && space.requests.every((r) => r.auth === basic),
      `${tag} a message through the list node returns the fake space's participants (${space.requests.length} request${space.requests.length === 1 ? '' : 's'}: ${space.requests.map((r) => r.url).join(', ')})`,
      `file ${arrived ? fs.readFileSync(outFile, 'utf8').slice(0, 200) : 'not written'}; requests ${JSON.stringify(space.requests)}\n${after()}`,
    );
    const errors = after()
      .split('\n')
      .filter((l) => /\[(error|warn)\]/.test(l) && !/Using unencrypted credentials|Error loading library entry/.test(l));
    report.check(errors.length === 0, `${tag} no warning or error in the log after the deploy`, errors.join('\n'));

    const stopAt = Date.now();
    await nr.stop();
    const stopped = nr.child.exitCode !== null || nr.child.signalCode === 'SIGINT';
    report.check(stopped && /Stopped flows/.test(nr.output()), `${tag} Node-RED stopped cleanly on SIGINT (${seconds(stopAt)}, exit ${nr.child.exitCode ?? nr.child.signalCode})`, nr.output().slice(-600));
    nr = undefined;
  } finally {
    if (nr) await nr.stop().catch(() => undefined);
    space.server.close();
    space.server.closeAllConnections?.();
    fs.rmSync(userDir, { recursive: true, force: true });
    console.log(`# ${target.label}: ${seconds(t0)}`);
  }
}

async function main(): Promise<void> {
  const t0 = Date.now();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'nr-install-pack-'));
  try {
    let tarball = '';
    let files: string[] = [];
    await report.guard('npm pack in a clean copy of the tree (no dist/, no build before)', async () => {
      // What `git clone` + `npm pack` (or `npm publish`) does, with the uncommitted work included.
      const clean = path.join(work, 'clean');
      const tc = Date.now();
      const copied = await cleanCopy(clean);
      console.log(`# clean copy of the tree in ${clean}: ${copied} files git tracks or does not ignore, node_modules symlinked (${seconds(tc)})`);
      if (fs.existsSync(path.join(clean, 'dist'))) throw new Error('the clean copy already has a dist/: is dist/ tracked by git?');
      const tp = Date.now();
      ({ tarball } = await pack(work, clean));
      console.log(`# npm pack (prepack build included) in ${seconds(tp)}`);
      files = await tarList(tarball);
      console.log(`# ${path.basename(tarball)}: ${files.length} files, ${fs.statSync(tarball).size} bytes (tar -tzf)`);
      for (const f of files) console.log(`#   ${f}`);
      report.check(true, `npm pack --json: ${path.basename(tarball)}, and its stdout is JSON alone (the prepack build prints nothing there)`);
      // Without a prepack build this tarball has no dist/ at all, and installs as nothing.
      const listFiles = (dir: string): string[] =>
        fs.readdirSync(path.join(clean, dir), { recursive: true, encoding: 'utf8' })
          .filter((f) => fs.statSync(path.join(clean, dir, f)).isFile())
          .map((f) => `dist/nodes/${dir}/${f.split(path.sep).join('/')}`);
      const built = [
        ...Object.values(PACKAGE_JSON['node-red'].nodes).flatMap((js) => [js.replace(/^\.\//, ''), js.replace(/^\.\//, '').replace(/\.js$/, '.html')]),
        ...listFiles('locales'),
        ...listFiles('icons'),
      ];
      const missing = built.filter((f) => !files.includes(f));
      report.check(
        missing.length === 0 && files.some((f) => f.startsWith('dist/nodes/lib/')),
        `the tarball of the clean copy was built by prepack: ${built.length} files, dist/nodes/*.js, *.html, locales and icons, and dist/nodes/lib/ (tar -tzf)`,
        `missing: ${missing.join(', ') || 'dist/nodes/lib/*'}`,
      );
    });
    if (!tarball) return;
    checkFileList(report, files);

    await report.guard('Node-RED 5 available in .ci/tmp/nr5', ensureNodeRed5);
    const targets: Target[] = [
      { label: 'Node-RED 4', major: 4, nodeBin: process.execPath, redJs: require.resolve('node-red/red.js') },
      { label: 'Node-RED 5', major: 5, nodeBin: NR5_NODE, redJs: NR5_RED },
    ];
    for (const target of targets) {
      await report.guard(`[${target.label}] install check`, () => checkTarget(target, tarball, files));
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
    console.log(`# total ${seconds(t0)}`);
    report.finish();
  }
}

main().catch((err) => {
  console.error(err);
  report.check(false, 'install check crashed', String(err));
  report.finish();
});
