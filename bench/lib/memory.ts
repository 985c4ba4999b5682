// Peak memory of a stretch of work: heapUsed and RSS sampled every few ms, against a baseline
// taken after a forced GC.

export interface MemoryPeak {
  baseHeap: number;
  baseRss: number;
  peakHeap: number;
  peakRss: number;
}

export function forceGc(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with --expose-gc');
  gc();
  gc();
}

export class MemorySampler {
  private timer: NodeJS.Timeout | null = null;
  readonly peak: MemoryPeak;

  constructor(private readonly everyMs = 5) {
    forceGc();
    const m = process.memoryUsage();
    this.peak = { baseHeap: m.heapUsed, baseRss: m.rss, peakHeap: m.heapUsed, peakRss: m.rss };
  }

  sample(): void {
    const m = process.memoryUsage();
    if (m.heapUsed > this.peak.peakHeap) this.peak.peakHeap = m.heapUsed;
    if (m.rss > this.peak.peakRss) this.peak.peakRss = m.rss;
  }

  start(): this {
    this.timer = setInterval(() => this.sample(), this.everyMs);
    return this;
  }

  stop(): MemoryPeak {
    this.sample();
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    return this.peak;
  }
}
