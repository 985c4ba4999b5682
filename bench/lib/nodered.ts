// An embedded Node-RED runtime ("Embedding into an existing app"): RED.init + RED.start in this
// process, no editor, no admin API, this package loaded from the repo as an installed module.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { BENCH_DIR, REPO_ROOT, type FakeInfo } from './ipc';

export type FlowNode = Record<string, unknown>;
export type Msg = Record<string, unknown>;

interface BenchHooks {
  sources: Map<string, (msg: Msg) => void>;
  onSink: ((sinkId: string, msg: Msg, failed: boolean) => void) | null;
}

export function benchHooks(): BenchHooks {
  const g = globalThis as unknown as { __swbench?: BenchHooks };
  if (!g.__swbench) g.__swbench = { sources: new Map(), onSink: null };
  return g.__swbench;
}

export interface EmbeddedRed {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  RED: any;
  /** Puts msg into the flow through the bench-source node `id` (the runtime's own send). */
  source(id: string): (msg: Msg) => void;
  /** With `listen`: http://127.0.0.1:{port}, the runtime's HTTP server (httpNodeRoot "/"). */
  url: string;
  /** The runtime's HTTP server (a worker may watch requests arrive on it). */
  server: http.Server;
  stop(): Promise<void>;
}

export interface EmbedOptions {
  flows: FlowNode[];
  credentials?: Record<string, Record<string, string>>;
  /** Merged into the runtime settings (e.g. functionGlobalContext). */
  settings?: Record<string, unknown>;
  /**
   * Listen on 127.0.0.1 (a free port) with Node-RED's HTTP server for nodes at "/"
   * (httpNodeRoot), so http in nodes and the conference events node receive requests.
   */
  listen?: boolean;
}

/** Flow nodes need x/y and z, or Node-RED files them as config nodes. */
export function at(tab: string, node: FlowNode): FlowNode {
  return { z: tab, x: 100, y: 100, ...node };
}

/** A Catch node for every node of the tab, and the failing sink `failed` it sends each error to. */
export const CATCH_FAILURES: FlowNode[] = [
  { id: 'catch', type: 'catch', scope: null, uncaught: false, wires: [['failed']] },
  { id: 'failed', type: 'bench-sink', failed: true, wires: [] },
];

/**
 * A worker's flow against the fake space: `nodes` on one tab, and the config node `space` for the
 * fake (`opts.space` merged into it) with its credentials (`opts.credentials` added).
 */
export function onFakeSpace(fake: FakeInfo, nodes: FlowNode[], opts: { space?: FlowNode; credentials?: Record<string, string> } = {}): Pick<EmbedOptions, 'flows' | 'credentials'> {
  const tab = 't1';
  return {
    flows: [{ id: tab, type: 'tab', label: 'bench' }, { id: 'space', type: 'signalwire-space', name: 'fake space', space: fake.url, ...opts.space }, ...nodes.map((n) => at(tab, n))],
    credentials: { space: { projectId: fake.projectId, apiToken: fake.apiToken, ...opts.credentials } },
  };
}

/** Where this package's built copy is: BENCH_PKG_DIR (set by run.ts) or the repo itself. */
export function packageDir(): string {
  return process.env.BENCH_PKG_DIR || REPO_ROOT;
}

export async function startNodeRed(opts: EmbedOptions): Promise<EmbeddedRed> {
  const userDir = path.join(REPO_ROOT, '.bench', `nr-${process.pid}-${Date.now()}`);
  fs.mkdirSync(userDir, { recursive: true });
  fs.writeFileSync(path.join(userDir, 'flows.json'), JSON.stringify(opts.flows));
  fs.writeFileSync(path.join(userDir, 'flows_cred.json'), JSON.stringify(opts.credentials ?? {}));

  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const RED = require('node-red');
  const server = http.createServer();
  const settings = {
    userDir,
    flowFile: 'flows.json',
    credentialSecret: false,
    httpAdminRoot: false,
    httpNodeRoot: opts.listen ? '/' : false,
    disableEditor: true,
    // The package as built (a snapshot of dist/ taken by run.ts, so a rebuild by someone else
    // meanwhile cannot pull it away), loaded as an installed Node-RED module.
    nodesDir: [path.join(BENCH_DIR, 'nodes'), packageDir()],
    nodesExcludes: [],
    functionExternalModules: false,
    externalModules: { autoInstall: false, palette: { allowInstall: false } },
    diagnostics: { enabled: false, ui: false },
    telemetry: { enabled: false },
    logging: { console: { level: 'warn', metrics: false, audit: false } },
    ...(opts.settings ?? {}),
  };
  RED.init(server, settings);
  await RED.start();
  let url = '';
  if (opts.listen) {
    server.on('request', RED.httpNode);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  }

  // Flows start after RED.start() resolves: wait for every bench-source to exist.
  const sourceIds = opts.flows.filter((n) => n.type === 'bench-source').map((n) => n.id as string);
  const hooks = benchHooks();
  const deadline = Date.now() + 30_000;
  while (!sourceIds.every((id) => hooks.sources.has(id))) {
    if (Date.now() > deadline) throw new Error(`Node-RED flows did not start (sources: ${[...hooks.sources.keys()].join(', ')})`);
    await new Promise((r) => setTimeout(r, 20));
  }
  for (const n of opts.flows) {
    if (n.type === 'tab' || n.z === undefined) continue;
    if (!RED.nodes.getNode(n.id as string)) throw new Error(`node ${String(n.id)} (${String(n.type)}) was not created: is its type loaded?`);
  }

  return {
    RED,
    url,
    server,
    source(id: string) {
      const send = hooks.sources.get(id);
      if (!send) throw new Error(`no bench-source ${id}`);
      return send;
    },
    async stop() {
      await RED.stop();
      if (opts.listen) {
        server.closeAllConnections();
        await new Promise<void>((r) => server.close(() => r()));
      }
      fs.rmSync(userDir, { recursive: true, force: true });
    },
  };
}
