/** "85%" for a confidence in [0, 1]. */
export function percent(confidence: number): string {
  return `${Math.round(Math.min(1, Math.max(0, confidence)) * 100)}%`;
}

/** One formatter for the page: `toLocaleString` with a locale builds a new one on every call. */
const INTEGER = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** 12,345 */
export function count(n: number): string {
  return INTEGER.format(Math.round(n));
}

/** "2.1 ms", "340 ms", "4.2 s" */
export function duration(ms: number): string {
  if (ms < 10) return `${ms.toFixed(1)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(1)} s`;
}

/** "1 finding", "3 findings" */
export function plural(n: number, word: string): string {
  return `${count(n)} ${word}${n === 1 ? '' : 's'}`;
}

const two = (n: number): string => String(n).padStart(2, '0');

/** "2024-03-12 14:05:09" in the viewer's local time (when an analysis was recorded). */
export function dateTime(ms: number): string {
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return '—';
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}
