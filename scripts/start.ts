// `npm start`: Node-RED (the devDependency) on 127.0.0.1 with this package and the example flows
// deployed, each on its own tab, and the Dashboard 2.0 page of example 03.
//
// With SIGNALWIRE_SPACE (or SIGNALWIRE_SPACE_URL), SIGNALWIRE_PROJECT_ID and SIGNALWIRE_API_TOKEN
// set, the flows use that space (and SIGNALWIRE_CONFERENCE_SID, when set). Otherwise a simulated
// space runs on loopback: several conferences whose participants join, leave, mute, hold and
// speak, each recorded from its start, with signed conference and recording status callbacks
// POSTed to the demo flows' events nodes, best effort as SignalWire's are (some repeated, some
// late, some never sent). The first conference's SID is SIGNALWIRE_CONFERENCE_SID; it runs until
// a moderator ends it, the others come and go.
// Its Project ID, API token and Signing Key are printed, so a config node can be filled in by
// hand (the README's Quick start); a real space's never are.
//
// Every example node is deployed under the id it has in its example file: importing an example
// again through the editor finds it there, and reuses the config nodes and the dashboard page.
//
// The user directory .node-red-home/ is rebuilt on every start: keep nothing there.
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { ConferenceSimulator, FakeSpace, type SimEvent } from '../simulator';
import { CALLBACK_PATH, DASHBOARD_PATH, EVENT_LOG_PATH, MODERATOR_DASHBOARD_PATH, MODERATOR_PATH, ROOT, combineExamples, readExamples } from './lib/examples';
import { startNodeRed, type RunningNodeRed } from './lib/node-red-process';

const USER_DIR = path.join(ROOT, '.node-red-home');
const HOST = '127.0.0.1';
const DASHBOARD_MODULE = path.join(ROOT, 'node_modules', '@flowfuse', 'node-red-dashboard');

function fail(message: string): never {
  console.error(`npm start: ${message}`);
  process.exit(1);
}

function env(name: string): string {
  return (process.env[name] ?? '').trim();
}

function parsePort(): number {
  const text = env('PORT') || '1880';
  const port = Number(text);
  if (!/^\d+$/.test(text) || port < 1 || port > 65535) fail(`PORT must be a port number (1-65535), got "${text}"`);
  return port;
}

/** Resolves when nothing listens on HOST:port; the message names what to do otherwise. */
function checkPortFree(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE') {
        reject(new Error(`port ${port} on ${HOST} is already in use (another Node-RED?). Stop it, or choose another port: PORT=${port + 1} npm start`));
      } else if (err.code === 'EACCES') {
        reject(new Error(`not allowed to listen on port ${port}: choose another one, e.g. PORT=1880 npm start`));
      } else reject(err);
    });
    server.listen(port, HOST, () => server.close(() => resolve()));
  });
}

/** A fresh user directory whose node_modules links to this repo (and to the dashboard). */
function prepareUserDir(): void {
  fs.rmSync(USER_DIR, { recursive: true, force: true });
  const modules = path.join(USER_DIR, 'node_modules');
  fs.mkdirSync(path.join(modules, '@flowfuse'), { recursive: true });
  fs.symlinkSync(ROOT, path.join(modules, 'node-red-contrib-signalwire'), 'dir');
  if (fs.existsSync(DASHBOARD_MODULE)) {
    fs.symlinkSync(DASHBOARD_MODULE, path.join(modules, '@flowfuse', 'node-red-dashboard'), 'dir');
  }
  fs.writeFileSync(
    path.join(USER_DIR, 'README.txt'),
    'Node-RED user directory of `npm start`. It is deleted and rebuilt on every start: keep nothing here.\n',
  );
}

function short(sid: string | null): string {
  return sid ? sid.slice(0, 8) : '';
}

const percent = (rate: number): string => `${Math.round(rate * 100)}%`;

/** The conferences the simulator runs: the first is SIGNALWIRE_CONFERENCE_SID's, the others come and go. */
const CONFERENCE_NAMES = ['demo-conference', 'sales-standup', 'support-huddle'];

async function main(): Promise<void> {
  const port = parsePort();
  if (!fs.existsSync(path.join(ROOT, 'dist', 'nodes', 'signalwire-list-participants.js'))) {
    fail('dist/ is missing: run `npm run build` first (npm start does it)');
  }
  if (!fs.existsSync(DASHBOARD_MODULE)) fail('@flowfuse/node-red-dashboard is not installed: run `npm ci` first');
  await checkPortFree(port).catch((err: Error) => fail(err.message));

  const space = env('SIGNALWIRE_SPACE') || env('SIGNALWIRE_SPACE_URL');
  const real = space !== '' && env('SIGNALWIRE_PROJECT_ID') !== '' && env('SIGNALWIRE_API_TOKEN') !== '';
  const base = `http://${HOST}:${port}`;
  const callbackUrl = base + CALLBACK_PATH;

  let fake: FakeSpace | null = null;
  let sim: ConferenceSimulator | null = null;
  let nodeRed: RunningNodeRed | null = null;
  let stopping = false;

  async function shutdown(code: number): Promise<never> {
    if (stopping) return new Promise<never>(() => undefined);
    stopping = true;
    console.log('\nStopping...');
    sim?.stop();
    await nodeRed?.stop().catch(() => undefined);
    await fake?.close().catch(() => undefined);
    console.log('Stopped.');
    process.exit(code);
  }
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));
  process.on('SIGHUP', () => void shutdown(0));

  const childEnv: NodeJS.ProcessEnv = {};
  let conferenceSid = env('SIGNALWIRE_CONFERENCE_SID');
  if (!real) {
    const partial = ['SIGNALWIRE_SPACE', 'SIGNALWIRE_SPACE_URL', 'SIGNALWIRE_PROJECT_ID', 'SIGNALWIRE_API_TOKEN'].filter((n) => env(n) !== '');
    if (partial.length > 0) {
      console.log(`Only ${partial.join(', ')} set: a real space needs SIGNALWIRE_SPACE, SIGNALWIRE_PROJECT_ID and SIGNALWIRE_API_TOKEN. Using the simulator.`);
    }
    fake = new FakeSpace();
    await fake.start();
    // Node-RED reads SIGNALWIRE_CONFERENCE_SID at start, before the simulator creates its
    // conference (which POSTs callbacks at once): the SID is chosen here and handed to both.
    conferenceSid = randomUUID();
    const signingKey = `PSK_${randomBytes(16).toString('hex')}`;
    Object.assign(childEnv, {
      SIGNALWIRE_SPACE: fake.url,
      SIGNALWIRE_SPACE_URL: '',
      SIGNALWIRE_PROJECT_ID: fake.projectId,
      SIGNALWIRE_API_TOKEN: fake.apiToken,
      SIGNALWIRE_CONFERENCE_SID: conferenceSid,
      SIGNALWIRE_SIGNING_KEY: signingKey,
      SIGNALWIRE_CALLBACK_URL: callbackUrl,
    });
    sim = new ConferenceSimulator({
      space: fake,
      callbackUrl,
      alsoTo: [base + EVENT_LOG_PATH, base + MODERATOR_PATH],
      signingKey,
      friendlyNames: CONFERENCE_NAMES,
      conferenceSid,
      intervalMs: 2000,
      maxParticipants: 8,
      // <Conference record="record-from-start">: example 06 shows and pauses the recording, 08 pauses it.
      record: true,
      // Callbacks are best effort at SignalWire too: some come twice, some late (out of order),
      // some never; the flows' sweeps (list participants) heal what was lost.
      repeatRate: 0.1,
      lateRate: 0.1,
      lostRate: 0.05,
      onEvent: (e: SimEvent) => {
        if (!sim || !fake) return;
        const n = fake.participantCount(e.conferenceSid);
        // The flows' REST requests so far show that the callbacks (and the sweep) are acted on.
        const lists = fake.requests.filter((r) => r.method === 'GET' && r.path.endsWith('/Participants')).length;
        const failed = sim.callbackFailures > 0 ? `, ${sim.callbackFailures} failed` : '';
        const about = e.recordingSid ? ` ${short(e.recordingSid)} ${e.params.RecordingDuration} s` : e.callSid ? ` ${short(e.callSid)} ${e.params.From}` : '';
        const quirks = [e.lost ? 'never sent' : '', e.late ? 'late' : '', e.repeated ? 'sent twice' : ''].filter(Boolean).join(', ');
        console.log(
          `[simulator] ${e.friendlyName.padEnd(15)} ${short(e.conferenceSid)} ${e.event.padEnd(24)}${about}${quirks ? ` (${quirks})` : ''}  ` +
            `${n} in it; ${sim.callbacksSent} callbacks answered, ${sim.lostCallbacks} lost${failed}; ${lists} list requests served`,
        );
      },
    });
  }

  prepareUserDir();
  const flows = combineExamples(readExamples(), (warning) => console.log(`npm start: ${warning}`));
  try {
    nodeRed = await startNodeRed({ userDir: USER_DIR, port, flows, env: childEnv, echo: true, startTimeoutMs: 30_000 });
  } catch (err) {
    sim?.stop();
    await fake?.close();
    fail(`Node-RED did not start: ${(err as Error).message}`);
  }
  const missing = /Waiting for missing types to be registered:[^\n]*|Flows stopped due to missing node types/.exec(nodeRed.output());
  if (missing) {
    await nodeRed.stop();
    await fake?.close();
    fail(`the example flows use node types that are not installed (${missing[0]}): run \`npm ci\``);
  }
  nodeRed.child.once('exit', (code, signal) => {
    // A Ctrl-C reaches Node-RED too: give this process's own signal handler a moment first.
    setTimeout(() => {
      if (stopping) return;
      console.error(`Node-RED exited (${signal ?? `code ${code}`})`);
      void shutdown(1);
    }, 500);
  });

  if (sim) {
    await sim.start();
    if (sim.callbackFailures > 0) {
      console.log(`[simulator] ${sim.callbackFailures} callbacks failed: ${String(sim.lastCallbackError)}`);
    }
  }

  const lines = [
    '',
    'node-red-contrib-signalwire demo',
    `  Editor:     ${base}/`,
    `  Dashboard:  ${base}${DASHBOARD_PATH} (example 03), ${base}${MODERATOR_DASHBOARD_PATH} (example 06, the moderator console)`,
  ];
  if (sim && fake) {
    lines.push(
      `  Space:      SIMULATED at ${fake.url} (no SignalWire account used)`,
      `  Project ID: ${fake.projectId}`,
      `  API token:  ${fake.apiToken}`,
      `  Signing Key: ${sim.signingKey}`,
      `              (a config node of your own: Space ${fake.url} and the values above; README, Quick start)`,
      `  Conferences: ${sim.friendlyNames.length} at once, an event every ${sim.intervalMs / 1000} s among them (joins, leaves, mutes, holds, speech), each recorded from its start:`,
      `              ${sim.friendlyNames[0]} ${conferenceSid} (${fake.participantCount(conferenceSid)} participants) is SIGNALWIRE_CONFERENCE_SID,`,
      `              read by the inject nodes; it runs until a moderator ends it (a caller after that starts a new ${sim.friendlyNames[0]}).`,
      `              ${sim.friendlyNames.slice(1).join(', ')}: come and go (a new SID each time the first caller dials in).`,
      `  Callbacks:  conference and recording status callbacks, signed with X-SignalWire-Signature, POSTed to ${callbackUrl} (example 03)`,
      `              and ${base + EVENT_LOG_PATH} (example 05, the event log in the debug sidebar), ${base + MODERATOR_PATH} (example 06);`,
      `              best effort as SignalWire's: about ${percent(sim.repeatRate)} sent twice, ${percent(sim.lateRate)} late, ${percent(sim.lostRate)} never sent (the sweeps heal them).`,
      '  To use a real space: set SIGNALWIRE_SPACE, SIGNALWIRE_PROJECT_ID, SIGNALWIRE_API_TOKEN',
      '  (and SIGNALWIRE_CONFERENCE_SID) in the environment, then npm start again.',
    );
  } else {
    lines.push(`  Space:      REAL SignalWire space ${space} (from SIGNALWIRE_SPACE / SIGNALWIRE_PROJECT_ID / SIGNALWIRE_API_TOKEN)`);
    if (conferenceSid) {
      lines.push(`  Conference: ${conferenceSid} (SIGNALWIRE_CONFERENCE_SID), read by the inject nodes and the 30 s sweep`);
    } else {
      lines.push(
        '  Conference: SIGNALWIRE_CONFERENCE_SID is not set: the inject nodes of the examples need it.',
        '              export SIGNALWIRE_CONFERENCE_SID=<a conference SID of your space> and npm start again.',
      );
    }
    lines.push(
      `  Callbacks:  set statusCallback on your <Conference> to a public URL that reaches ${callbackUrl}`,
      '              (a reverse proxy or a tunnel), statusCallbackEvent="start end join leave mute hold";',
      '              SIGNALWIRE_SIGNING_KEY (and behind a proxy SIGNALWIRE_CALLBACK_URL) enable the signature check.',
    );
  }
  lines.push('  Press Ctrl-C to stop.', '');
  console.log(lines.join('\n'));
}

main().catch((err: unknown) => fail(err instanceof Error ? err.stack ?? err.message : String(err)));
