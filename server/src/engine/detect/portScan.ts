/**
 * port-scan: one source hitting many destination ports (firewall / kernel logs; T1046).
 *
 * Reads kind 'firewall' records with a destination port. Per source, the ports seen within the
 * last `windowSeconds` are kept in a `PortWindow` (amortised O(1) per packet; a flood against
 * one port stays one entry). A source is reported once its window holds ≥ `distinctPorts`
 * ports; `line` is where that happened.
 *
 * Replies are not probes: a packet from a well-known source port to a high port (a late DNS or
 * HTTPS answer dropped after its connection-tracking entry expired) or a TCP packet carrying
 * ACK/RST is left out, otherwise every busy resolver or web server we talk to would "scan" our
 * ephemeral ports. The flags and SPT= are read from the line itself (UFW/iptables print them).
 *
 * Confidence (terms in [0, 1]):
 *   excess   = saturate(peak / distinctPorts - 1, 2)     20 ports → 0.39, 48 → 0.85
 *   rate     = saturate(ports per minute in that window, 30)   nmap does hundreds a second
 *   blocked  = share of the source's packets the firewall blocked (unsolicited traffic)
 *   services = min(1, distinct well-known ports (< 1024) / 5)   probing for services
 *   confidence = 0.35 + 0.30·excess + 0.10·rate + 0.10·blocked + 0.15·services
 * A bare threshold crossing on high ports that were allowed stays low (≈ 0.36): it may be an
 * application that uses many ports. Ten blocked well-known ports make it high; dozens of ports
 * in a minute, blocked, critical.
 */
import type { EngineConfig } from '../config';
import type { Finding, LogRecord } from '../model';
import type { Detector, DetectorContext, DetectorFactory, LineText } from './types';
import { formatDuration, makeFinding, saturate } from '../score';
import { copyString } from './stringIds';
import { formatWindow, isoTime } from './bruteForce';

/** Distinct ports remembered per source over the whole file (the window keeps its own). */
const PORTS_CAP = 4096;
const DESTINATIONS_CAP = 16;
/** Ports named in the message and in evidence. */
const PORTS_IN_MESSAGE = 8;
const PORTS_IN_EVIDENCE = 64;

/**
 * The ports of a sliding window: port → second of its last sighting, plus a queue of sightings
 * in time order. A sighting superseded by a later one of the same port is stale and skipped;
 * a port leaves when its latest sighting leaves the window. One entry per port and second, so
 * a flood against one port stays tiny and a sweep of 65,535 ports stays linear.
 */
class PortWindow {
  lastSeen = new Map<number, number>();
  private ports: number[] = [];
  private seconds: number[] = [];
  private head = 0;

  /** Adds a sighting at `time` (ms, never earlier than the previous one) and drops what left the window. */
  add(port: number, time: number, windowMs: number): void {
    const second = Math.floor(time / 1000) * 1000;
    if (this.lastSeen.get(port) !== second) {
      this.lastSeen.set(port, second);
      this.ports.push(port);
      this.seconds.push(second);
    }
    const cutoff = time - windowMs;
    const n = this.ports.length;
    while (this.head < n) {
      const p = this.ports[this.head];
      const at = this.seconds[this.head];
      if (this.lastSeen.get(p) === at) {
        if (at > cutoff) break;
        this.lastSeen.delete(p);
      }
      this.head++;
    }
    if (this.head >= 1024 && this.head * 2 >= n) {
      this.ports.splice(0, this.head);
      this.seconds.splice(0, this.head);
      this.head = 0;
    }
  }

  get size(): number {
    return this.lastSeen.size;
  }

  /** Time of the oldest sighting still in the window. */
  get oldest(): number {
    return this.seconds[this.head];
  }
}

class SourcePorts {
  window = new PortWindow();
  latest = -Infinity;
  untimedPorts = new Set<number>();
  ports = new Set<number>();
  portsOverflow = false;
  destinations = new Set<string>();
  protocols = new Set<string>();
  lines: number[] = [];
  events = 0;
  blocked = 0;
  ignoredReplies = 0;
  firstTime = NaN;
  lastTime = NaN;
  peak = 0;
  peakSpanMs = NaN;
  crossedLine = -1;
  scanStart = NaN;

  constructor(readonly source: string) {}

  add(r: LogRecord, port: number, windowMs: number, threshold: number, maxLines: number): void {
    this.events++;
    if (r.action === 'block') this.blocked++;
    if (this.lines.length < maxLines) this.lines.push(r.line);
    if (!this.ports.has(port)) {
      if (this.ports.size < PORTS_CAP) this.ports.add(port);
      else this.portsOverflow = true;
    }
    if (r.destination !== undefined && this.destinations.size < DESTINATIONS_CAP && !this.destinations.has(r.destination)) {
      this.destinations.add(copyString(r.destination));
    }
    if (r.protocol !== undefined && this.protocols.size < 4 && !this.protocols.has(r.protocol)) {
      this.protocols.add(copyString(r.protocol));
    }
    const t0 = r.time;
    if (!Number.isFinite(t0)) {
      if (this.untimedPorts.size < PORTS_CAP) this.untimedPorts.add(port);
      const n = this.untimedPorts.size;
      if (n > this.peak) {
        this.peak = n;
        this.peakSpanMs = NaN;
      }
      if (this.crossedLine < 0 && n >= threshold) this.crossedLine = r.line;
      return;
    }
    if (!(t0 >= this.firstTime)) this.firstTime = t0;
    if (!(t0 <= this.lastTime)) this.lastTime = t0;
    // Lines slightly out of order count at the newest time seen, keeping the Map ordered.
    const t = t0 > this.latest ? t0 : this.latest;
    this.latest = t;
    const w = this.window;
    w.add(port, t, windowMs);
    const n = w.size;
    if (n > this.peak) {
      this.peak = n;
      this.peakSpanMs = Math.max(0, t - w.oldest);
    }
    if (this.crossedLine < 0 && n >= threshold) {
      this.crossedLine = r.line;
      this.scanStart = w.oldest;
    }
  }
}

/**
 * A packet that answers traffic we started: from a well-known port to a high one, or TCP with
 * ACK/RST set (probes are SYN, FIN, NULL or XMAS packets).
 */
function looksLikeReply(port: number, text: string): boolean {
  const at = text.indexOf('SPT=');
  if (at >= 0 && port >= 1024) {
    let sourcePort = 0;
    let i = at + 4;
    const end = Math.min(text.length, i + 5);
    for (; i < end; i++) {
      const c = text.charCodeAt(i);
      if (c < 48 || c > 57) break;
      sourcePort = sourcePort * 10 + (c - 48);
    }
    if (i > at + 4 && sourcePort < 1024) return true;
  }
  return text.includes(' ACK ') || text.includes(' RST ');
}

export const createPortScanDetector: DetectorFactory = (config: EngineConfig): Detector => {
  const settings = config.rules['port-scan'];
  const threshold = Math.max(1, settings.distinctPorts);
  const windowMs = settings.windowSeconds * 1000;
  const maxLines = Math.max(1, config.maxEvidenceLines);
  const bySource = new Map<string, SourcePorts>();

  return {
    rule: 'port-scan',
    observe(r: LogRecord, line: LineText): void {
      if (r.kind !== 'firewall') return;
      const port = r.destinationPort;
      const source = r.source;
      if (port === undefined || source === undefined || !(port >= 0 && port <= 65535)) return;
      let s = bySource.get(source);
      if (looksLikeReply(port, line.text)) {
        if (s) s.ignoredReplies++;
        return;
      }
      if (!s) {
        s = new SourcePorts(copyString(source));
        bySource.set(s.source, s);
      }
      s.add(r, port, windowMs, threshold, maxLines);
    },
    finish(ctx: DetectorContext): Finding[] {
      const findings: Finding[] = [];
      for (const s of bySource.values()) {
        if (s.crossedLine < 0 || ctx.isAllowed(s.source)) continue;
        findings.push(toFinding(s, ctx));
      }
      return findings;
    },
  };

  function toFinding(s: SourcePorts, ctx: DetectorContext): Finding {
    const ports = Array.from(s.ports).sort((a, b) => a - b);
    const distinct = s.portsOverflow ? PORTS_CAP : ports.length;
    let wellKnown = 0;
    for (const p of ports) if (p < 1024) wellKnown++;
    const timed = Number.isFinite(s.peakSpanMs);
    const perMinute = timed ? (s.peak / Math.max(s.peakSpanMs, 60_000)) * 60_000 : 0;
    const blockedShare = s.events > 0 ? s.blocked / s.events : 0;
    const confidence =
      0.35 +
      0.3 * saturate(s.peak / threshold - 1, 2) +
      0.1 * saturate(perMinute, 30) +
      0.1 * blockedShare +
      0.15 * Math.min(1, wellKnown / 5);

    const span = Number.isFinite(s.firstTime) ? (s.lastTime - s.firstTime) / 1000 : NaN;
    const destinations = Array.from(s.destinations);
    const on =
      destinations.length === 1 ? ` on ${destinations[0]}` : destinations.length > 1 ? ` on ${destinations.length}${destinations.length >= DESTINATIONS_CAP ? '+' : ''} hosts` : '';
    const listed = ports.slice(0, PORTS_IN_MESSAGE).join(', ') + (ports.length > PORTS_IN_MESSAGE ? ', …' : '');
    const when = Number.isFinite(span) ? ` in ${formatDuration(span)}` : '';
    const peakText = s.peak !== distinct ? `, peak ${s.peak} in one window` : '';
    const blockedText = s.blocked > 0 ? `, ${Math.round(blockedShare * 100)}% blocked` : '';
    const message =
      `${s.source} hit ${distinct}${s.portsOverflow ? '+' : ''} distinct ports${on}${when} (${listed})${peakText}${blockedText}; ` +
      `threshold ${threshold} in ${formatWindow(settings.windowSeconds)}`;

    return makeFinding(
      {
        rule: 'port-scan',
        title: `Port scan from ${s.source} (${distinct}${s.portsOverflow ? '+' : ''} ports)`,
        confidence,
        source: s.source,
        primaryLine: s.crossedLine,
        evidenceLines: s.lines,
        message,
        evidence: {
          distinctPorts: distinct,
          ports: ports.slice(0, PORTS_IN_EVIDENCE),
          wellKnownPorts: wellKnown,
          peakInWindow: s.peak,
          peakWindowSeconds: timed ? Math.round(s.peakSpanMs / 1000) : null,
          portsPerMinute: Math.round(perMinute * 10) / 10,
          windowSeconds: Number.isFinite(span) ? Math.round(span) : null,
          threshold,
          thresholdWindowSeconds: settings.windowSeconds,
          packets: s.events,
          blocked: s.blocked,
          blockedShare: Math.round(blockedShare * 100) / 100,
          destinations,
          protocols: Array.from(s.protocols),
          ignoredReplies: s.ignoredReplies,
          firstTime: isoTime(s.firstTime),
          lastTime: isoTime(s.lastTime),
          scanStart: isoTime(s.scanStart),
        },
      },
      ctx.file,
      config.maxEvidenceLines,
    );
  }
};
