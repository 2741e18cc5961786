/**
 * Allowlist of IPs and CIDR blocks (IPv4 and IPv6). Entries that are neither are matched
 * as exact strings (host names), so a user's typo never widens the list.
 */
export class IpAllowlist {
  private readonly exact = new Set<string>();
  private readonly v4: { net: number; mask: number }[] = [];
  private readonly v6: { net: bigint; mask: bigint }[] = [];

  constructor(entries: readonly string[]) {
    for (const raw of entries) {
      const entry = raw.trim();
      if (!entry) continue;
      const [addr, bitsText] = entry.split('/');
      const v4 = parseIPv4(addr);
      if (v4 !== undefined) {
        const bits = bitsText === undefined ? 32 : Number(bitsText);
        if (!(bits >= 0 && bits <= 32)) continue;
        const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
        this.v4.push({ net: (v4 & mask) >>> 0, mask });
        continue;
      }
      const v6 = parseIPv6(addr);
      if (v6 !== undefined) {
        const bits = bitsText === undefined ? 128 : Number(bitsText);
        if (!(bits >= 0 && bits <= 128)) continue;
        const mask = bits === 0 ? 0n : ((1n << 128n) - 1n) ^ ((1n << BigInt(128 - bits)) - 1n);
        this.v6.push({ net: v6 & mask, mask });
        continue;
      }
      this.exact.add(entry.toLowerCase());
    }
  }

  get isEmpty(): boolean {
    return this.exact.size === 0 && this.v4.length === 0 && this.v6.length === 0;
  }

  has(source: string | undefined): boolean {
    if (source === undefined || this.isEmpty) return false;
    if (this.exact.has(source.toLowerCase())) return true;
    const v4 = parseIPv4(source) ?? mappedIPv4(source);
    if (v4 !== undefined) return this.v4.some((r) => ((v4 & r.mask) >>> 0) === r.net);
    const v6 = parseIPv6(source);
    if (v6 !== undefined) return this.v6.some((r) => (v6 & r.mask) === r.net);
    return false;
  }
}

export function parseIPv4(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    value = value * 256 + n;
  }
  return value >>> 0;
}

function mappedIPv4(text: string): number | undefined {
  const m = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(text);
  return m ? parseIPv4(m[1]) : undefined;
}

export function parseIPv6(text: string): bigint | undefined {
  if (text.length > 45 || !text.includes(':')) return undefined;
  let head = text;
  let tailV4: number | undefined;
  const lastColon = text.lastIndexOf(':');
  if (text.includes('.', lastColon)) {
    tailV4 = parseIPv4(text.slice(lastColon + 1));
    if (tailV4 === undefined) return undefined;
    head = text.slice(0, lastColon + 1) + '0:0';
  }
  const halves = head.split('::');
  if (halves.length > 2) return undefined;
  const left = halves[0] ? halves[0].split(':') : [];
  const right = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  const missing = 8 - left.length - right.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const groups = [...left, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...right];
  let value = 0n;
  for (const g of groups) {
    if (!/^[0-9a-f]{1,4}$/i.test(g)) return undefined;
    value = (value << 16n) | BigInt(parseInt(g, 16));
  }
  if (tailV4 !== undefined) value = (value & ~0xffffffffn) | BigInt(tailV4);
  return value;
}
