// Small statistics and formatting helpers for the bench tables.

export function median(values: number[]): number {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const m = v.length >> 1;
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

/** Nearest-rank percentile of an ascending-sorted array. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

export const MB = 1024 * 1024;

export function fmt(n: number, digits = 0): string {
  if (!Number.isFinite(n)) return '-';
  return n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export function fmtMs(ms: number): string {
  if (!Number.isFinite(ms)) return '-';
  if (ms >= 100) return fmt(ms, 0);
  if (ms >= 10) return fmt(ms, 1);
  return fmt(ms, 2);
}

export function fmtMB(bytes: number): string {
  return Number.isFinite(bytes) ? fmt(bytes / MB, 1) : '-';
}

/** A ratio with two decimals, or three where two would round it onto a target's line (0.946 is not 0.95). */
export function fmtRatio(r: number, line?: number): string {
  if (!Number.isFinite(r)) return '-';
  const two = r.toFixed(2);
  return line !== undefined && Number(two) === line && r !== line ? `${r.toFixed(3)}x` : `${two}x`;
}

const NUMERIC = /^[-+]?[\d,.]*(x| ms| MB)?$|^-$|^$|^PASS$|^FAIL$/;

/** A plain-text table (also valid Markdown): numeric columns right-aligned. */
export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const right = headers.map((_, i) => rows.every((r) => NUMERIC.test(r[i] ?? '')));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (right[i] ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join(' | ')} |`;
  const sep = `| ${widths.map((w, i) => (right[i] ? `${'-'.repeat(w - 1)}:` : '-'.repeat(w))).join(' | ')} |`;
  return [line(headers), sep, ...rows.map(line)].join('\n');
}
