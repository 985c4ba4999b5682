// What a run leaves behind: timers and handles that would keep the process alive after the last
// test (mocha runs with exit: false, so a leftover only made the run slower, by minutes). Every
// timer made in the process is noted with where it was made (an async hook on Timeout only, a
// stack captured per timer, formatted only when reported); at the end the ones still pending
// and ref'd, and the ref'd handles (servers, sockets, child processes), are named.
import { createHook } from 'node:async_hooks';

interface TimerNote {
  timer: WeakRef<NodeJS.Timeout>;
  /** Holds the stack of where the timer was made; formatted only when read. */
  made: { stack?: string };
}

const notes: TimerNote[] = [];
let sinceSweep = 0;
/** Timers of this module's own waits: never leftovers. */
const own = new WeakSet<object>();

/** Still to fire (or repeating) and keeping the process alive. */
function pending(timer: NodeJS.Timeout | undefined): timer is NodeJS.Timeout {
  return timer !== undefined && !(timer as unknown as { _destroyed?: boolean })._destroyed && timer.hasRef();
}

/** Drops the notes of timers that fired, were cleared or were collected (kept: unref'd ones, which may be ref'd again). */
function sweep(): void {
  let kept = 0;
  for (const note of notes) {
    const timer = note.timer.deref();
    if (timer && !(timer as unknown as { _destroyed?: boolean })._destroyed) notes[kept++] = note;
  }
  notes.length = kept;
  sinceSweep = 0;
}

/** Notes every timer made from now on (call once, before any test). */
export function noteTimers(): void {
  createHook({
    init(_asyncId, type, _trigger, resource) {
      if (type !== 'Timeout') return;
      const made: { stack?: string } = {};
      const limit = Error.stackTraceLimit;
      Error.stackTraceLimit = 16;
      Error.captureStackTrace(made);
      Error.stackTraceLimit = limit;
      notes.push({ timer: new WeakRef(resource as NodeJS.Timeout), made });
      if (++sinceSweep >= 20_000) sweep();
    },
  }).enable();
}

/** Where a timer was made: the first frames outside Node's internals and this module. */
function madeAt(note: TimerNote): string {
  const frames = (note.made.stack ?? '')
    .split('\n')
    .slice(1)
    .map((l) => l.trim().replace(/^at /, ''))
    .filter((l) => !l.includes('node:internal') && !l.includes('node:timers') && !l.includes('leftovers.ts') && !l.startsWith('at new Timeout'));
  return frames.slice(0, 3).join(' < ') || 'where unknown';
}

/** The test runner's own timers (a hook's timeout): not the suite's. */
function isRunners(note: TimerNote): boolean {
  return /[/\\]node_modules[/\\]mocha[/\\]/.test(note.made.stack ?? '');
}

function describeTimer(note: TimerNote, timer: NodeJS.Timeout): string {
  const t = timer as unknown as { _idleTimeout: number; _repeat: number | null; _onTimeout?: { name?: string } };
  const what = t._repeat ? `an interval of ${t._repeat} ms` : `a timer of ${t._idleTimeout} ms`;
  const fn = t._onTimeout?.name ? ` (${t._onTimeout.name})` : '';
  return `${what}${fn}, made at ${madeAt(note)}`;
}

interface HandleLike {
  constructor: { name: string };
  _handle?: { hasRef?: () => boolean } | null;
  fd?: number;
  pid?: number;
  address?: () => unknown;
  localAddress?: string;
  localPort?: number;
  remoteAddress?: string;
  remotePort?: number;
}

function describeHandle(h: HandleLike): string {
  if (h.constructor.name === 'Server' && typeof h.address === 'function') return `a server listening on ${JSON.stringify(h.address())}`;
  if (h.constructor.name === 'Socket') return `a socket ${h.localAddress ?? '?'}:${h.localPort ?? '?'} -> ${h.remoteAddress ?? '?'}:${h.remotePort ?? '?'}`;
  if (h.constructor.name === 'ChildProcess') return `a child process (pid ${h.pid})`;
  return `a ${h.constructor.name}`;
}

/** Kinds of resource that are handles or timers (named above); anything else is a request still pending. */
const NAMED_KINDS = /^(TCPSocketWrap|TCPServerWrap|PipeWrap|PipeServerWrap|TTYWrap|UDPWrap|ProcessWrap|SignalWrap|FSEventWrap|StatWatcher|Timeout|Immediate)$/;

/** What would keep the process alive now, each named once with its count; empty when nothing would. */
export function leftovers(): string[] {
  const found: string[] = [];
  for (const note of notes) {
    const timer = note.timer.deref();
    if (pending(timer) && !own.has(timer) && !isRunners(note)) found.push(describeTimer(note, timer));
  }
  const handles = (process as unknown as { _getActiveHandles(): HandleLike[] })._getActiveHandles();
  for (const h of handles) {
    // The process's own stdin/stdout/stderr, and handles that do not hold the process.
    if (h.fd !== undefined && h.fd >= 0 && h.fd <= 2) continue;
    if (h._handle?.hasRef?.() === false) continue;
    found.push(describeHandle(h));
  }
  for (const kind of process.getActiveResourcesInfo()) if (!NAMED_KINDS.test(kind)) found.push(`a pending ${kind}`);
  const counts = new Map<string, number>();
  for (const f of found) counts.set(f, (counts.get(f) ?? 0) + 1);
  return [...counts].map(([what, n]) => (n > 1 ? `${n} x ${what}` : what));
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    own.add(t);
  });
}

/**
 * Resolves when nothing is left; otherwise, after `graceMs` (sockets closing, a last timer
 * firing), with what is still there.
 */
export async function settledLeftovers(graceMs: number): Promise<string[]> {
  const end = Date.now() + graceMs;
  for (;;) {
    // Read after the wait's own timer is done with (a promise continuation runs after it).
    await pause(20);
    const left = leftovers();
    if (left.length === 0 || Date.now() >= end) return left;
  }
}
