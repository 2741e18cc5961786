import type { EngineConfig } from '../engine/config';
import { stableHash } from '../engine/score';

/**
 * A short hash of the engine settings an analysis ran with: two analyses with different
 * hashes may differ because thresholds changed, not because the log did. Keys are sorted so
 * the hash does not depend on the order settings were merged in.
 */
export function settingsHash(config: EngineConfig): string {
  return stableHash(canonicalJson(config));
}

export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined && typeof v !== 'function')
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
