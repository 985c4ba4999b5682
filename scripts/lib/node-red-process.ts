import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

export interface NodeRedOptions {
  /** Node-RED's user directory (settings.js, flows.json and node_modules/ live there). */
  userDir: string;
  /** 0 or absent: a free loopback port. */
  port?: number;
  /** The node binary to run Node-RED with (another major for a Node-RED 5 check). */
  nodeBin?: string;
  /** Node-RED's red.js; the repo's devDependency by default. */
  redJs?: string;
  /** Merged over the defaults below and written to userDir/settings.js (JSON values only). */
  settings?: Record<string, unknown>;
  /** Written to userDir/flows.json before start when given. */
  flows?: unknown[];
  env?: NodeJS.ProcessEnv;
  /** Echo Node-RED's output to this process's stdout. */
  echo?: boolean;
  /** How long to wait for "Started flows". */
  startTimeoutMs?: number;
}

export interface RunningNodeRed {
  url: string;
  port: number;
  child: ChildProcess;
  /** Everything Node-RED printed so far. */
  output(): string;
  stop(): Promise<void>;
}

/** Settings for a quiet, loopback-only Node-RED that never reaches out to the internet. */
export function baseSettings(port: number): Record<string, unknown> {
  return {
    uiHost: '127.0.0.1',
    uiPort: port,
    flowFile: 'flows.json',
    credentialSecret: false,
    diagnostics: { enabled: false, ui: false },
    telemetry: { enabled: false },
    externalModules: { autoInstall: false, palette: { allowInstall: false } },
    editorTheme: { tours: false, palette: { catalogues: [] }, projects: { enabled: false } },
    logging: { console: { level: 'info', metrics: false, audit: false } },
  };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts Node-RED as a child process (`node red.js -u DIR -p PORT -D uiHost=127.0.0.1`: one
 * process, bound to loopback) and resolves once its flows have started.
 */
export async function startNodeRed(opts: NodeRedOptions): Promise<RunningNodeRed> {
  const port = opts.port || (await freePort());
  fs.mkdirSync(opts.userDir, { recursive: true });
  const settings = { ...baseSettings(port), ...(opts.settings ?? {}) };
  fs.writeFileSync(path.join(opts.userDir, 'settings.js'), `module.exports = ${JSON.stringify(settings, null, 2)};\n`);
  if (opts.flows) fs.writeFileSync(path.join(opts.userDir, 'flows.json'), JSON.stringify(opts.flows, null, 2));
  const redJs = opts.redJs ?? require.resolve('node-red/red.js');
  const args = [redJs, '-u', opts.userDir, '-p', String(port), '-D', 'uiHost=127.0.0.1', '-s', path.join(opts.userDir, 'settings.js')];
  const child = spawn(opts.nodeBin ?? process.execPath, args, {
    env: { ...process.env, ...(opts.env ?? {}) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const onData = (chunk: Buffer) => {
    output += chunk.toString();
    if (opts.echo) process.stdout.write(chunk);
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`Node-RED did not start within ${opts.startTimeoutMs ?? 60_000} ms`)), opts.startTimeoutMs ?? 60_000);
    const check = () => {
      // Node-RED 4 waits for missing types instead of starting flows: that is an answer too. The
      // flows start before the HTTP server listens: wait for both, or a request can be refused.
      if (/Started flows|Flows stopped due to missing node types|Waiting for missing types to be registered/.test(output) && /Server now running at/.test(output)) done();
    };
    const onExit = () => fail(new Error('Node-RED exited during start'));
    function done() {
      clearTimeout(timer);
      child.stdout!.off('data', check);
      child.off('exit', onExit);
      resolve();
    }
    function fail(err: Error) {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`${err.message}\n--- Node-RED output ---\n${output}`));
    }
    child.stdout!.on('data', check);
    child.once('exit', onExit);
  });

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    child,
    output: () => output,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}
