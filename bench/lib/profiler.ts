// A CPU profile of part of a run (the measured part), through the inspector, so start-up and
// warm-up stay out of it. The file loads in Chrome DevTools like a --cpu-prof one.
import fs from 'node:fs';
import { Session } from 'node:inspector';

/** A stretch of the profile during which one contender alone ran, and how many messages it did. */
export interface ProfileWindow {
  label: string;
  /** Microseconds on the profiler's clock (V8's monotonic clock, as `process.hrtime`). */
  start: number;
  end: number;
  n: number;
}

export interface Profiler {
  /** Runs `fn` (n messages of `label`) and remembers when, so the profile can be split by contender. */
  window<T>(label: string, n: number, fn: () => Promise<T>): Promise<T>;
  /** Writes the profile to `file` and its windows to `file`.windows.json. */
  stop(file: string): Promise<void>;
}

const nowUs = () => Number(process.hrtime.bigint() / 1000n);

export async function startProfiler(): Promise<Profiler> {
  const session = new Session();
  session.connect();
  const post = (method: string, params?: object) =>
    new Promise<unknown>((resolve, reject) => session.post(method, params ?? {}, (err, res) => (err ? reject(err) : resolve(res))));
  await post('Profiler.enable');
  await post('Profiler.setSamplingInterval', { interval: 100 });
  await post('Profiler.start');
  const windows: ProfileWindow[] = [];
  return {
    async window(label, n, fn) {
      const start = nowUs();
      try {
        return await fn();
      } finally {
        windows.push({ label, start, end: nowUs(), n });
      }
    },
    async stop(file: string) {
      const { profile } = (await post('Profiler.stop')) as { profile: unknown };
      fs.writeFileSync(file, JSON.stringify(profile));
      fs.writeFileSync(`${file}.windows.json`, JSON.stringify(windows));
      session.disconnect();
    },
  };
}
