/**
 * Rule `scanner`: requests made by known attack and scanning tools, recognised by their user
 * agent (case-insensitive) or by the markers some of them leave in URLs and referrers
 * (Acunetix's `acunetix-wvs-test-for-some-inexistent-file`, Netsparker's `netsparker(0x..)`,
 * out-of-band callback hosts of Burp Collaborator and interactsh).
 *
 * Confidence of a source's finding:
 *   base = the most dangerous tool class seen from the source:
 *          exploitation (sqlmap, commix) 0.8; vulnerability scanners (nikto, acunetix, nuclei,
 *          wpscan, ...) and password guessers (hydra, medusa) 0.7; content discovery
 *          (gobuster, ffuf, dirb, ...) 0.65; user-listed agents 0.6; Nmap's scripting
 *          engine 0.55; fingerprinting (whatweb) 0.5; internet-wide survey scanners
 *          (masscan, zgrab, Censys, Expanse) 0.3 — they scan everyone, not you.
 *   conf = base + 0.15 · saturate(requests − 1, 20) + 0.05 · [more than one tool]
 *   so volume moves a tool at most 0.15 up: a survey scanner stays low/medium, one sqlmap
 *   request is high and a sustained sqlmap run critical.
 *
 * Not attack tools on their own (too common in monitoring, APIs and scripts): curl, Wget,
 * python-requests, python-urllib, Go-http-client, libwww-perl, okhttp, Java, axios,
 * node-fetch, PostmanRuntime. Add such agents to `rules.scanner.extraAgents` to report them.
 */
import type { EvidenceValue, Finding, LogRecord } from '../model';
import type { Detector, DetectorContext, DetectorFactory, LineText } from './types';
import { makeFinding, saturate } from '../score';
import { copyString, DirectIdMemo, IdMemo } from './stringIds';

export type ToolClass =
  | 'exploitation'
  | 'vulnerability-scanner'
  | 'password-guessing'
  | 'content-discovery'
  | 'user-listed'
  | 'port-scanner'
  | 'fingerprinting'
  | 'internet-survey';

const CLASS_BASE: Record<ToolClass, number> = {
  exploitation: 0.8,
  'vulnerability-scanner': 0.7,
  'password-guessing': 0.7,
  'content-discovery': 0.65,
  'user-listed': 0.6,
  'port-scanner': 0.55,
  fingerprinting: 0.5,
  'internet-survey': 0.3,
};

const CLASS_LABEL: Record<ToolClass, string> = {
  exploitation: 'exploitation tool',
  'vulnerability-scanner': 'vulnerability scanner',
  'password-guessing': 'password guesser',
  'content-discovery': 'content discovery tool',
  'user-listed': 'listed in extraAgents',
  'port-scanner': 'network scanner',
  fingerprinting: 'fingerprinting tool',
  'internet-survey': 'internet-wide survey scanner',
};

interface ToolSignature {
  name: string;
  cls: ToolClass;
  /** Pattern source, matched case-insensitively on the user agent. */
  agent: string;
}

/** Order matters only where one name contains another (dirbuster before dirb, masscan-ng before masscan). */
const TOOLS: readonly ToolSignature[] = [
  { name: 'sqlmap', cls: 'exploitation', agent: String.raw`sqlmap` },
  { name: 'commix', cls: 'exploitation', agent: String.raw`\bcommix\b` },
  { name: 'nikto', cls: 'vulnerability-scanner', agent: String.raw`\bnikto\b` },
  { name: 'nuclei', cls: 'vulnerability-scanner', agent: String.raw`\bnuclei\b` },
  { name: 'wpscan', cls: 'vulnerability-scanner', agent: String.raw`\bwpscan\b` },
  { name: 'acunetix', cls: 'vulnerability-scanner', agent: String.raw`acunetix` },
  { name: 'netsparker', cls: 'vulnerability-scanner', agent: String.raw`netsparker|invicti` },
  { name: 'w3af', cls: 'vulnerability-scanner', agent: String.raw`\bw3af\b` },
  { name: 'openvas', cls: 'vulnerability-scanner', agent: String.raw`\bopenvas\b` },
  { name: 'nessus', cls: 'vulnerability-scanner', agent: String.raw`\bnessus\b` },
  { name: 'skipfish', cls: 'vulnerability-scanner', agent: String.raw`\bskipfish\b|\bSF\/\d\.\d{2}b\b` },
  { name: 'arachni', cls: 'vulnerability-scanner', agent: String.raw`\barachni\b` },
  { name: 'jaeles', cls: 'vulnerability-scanner', agent: String.raw`\bjaeles\b` },
  { name: 'burp collaborator', cls: 'vulnerability-scanner', agent: String.raw`burpcollaborator|\boastify\.com` },
  { name: 'zmeu', cls: 'vulnerability-scanner', agent: String.raw`\bzmeu\b` },
  { name: 'morfeus', cls: 'vulnerability-scanner', agent: String.raw`\bmorfeus\b` },
  { name: 'hydra', cls: 'password-guessing', agent: String.raw`\(hydra\)|\bthc-hydra\b` },
  { name: 'medusa', cls: 'password-guessing', agent: String.raw`\bmedusa\b|teh forest lobster` },
  { name: 'dirbuster', cls: 'content-discovery', agent: String.raw`\bdirbuster\b` },
  { name: 'dirb', cls: 'content-discovery', agent: String.raw`\bdirb\b` },
  { name: 'gobuster', cls: 'content-discovery', agent: String.raw`\bgobuster\b` },
  { name: 'feroxbuster', cls: 'content-discovery', agent: String.raw`\bferoxbuster\b` },
  { name: 'ffuf', cls: 'content-discovery', agent: String.raw`\bffuf\b|fuzz faster u fool` },
  { name: 'wfuzz', cls: 'content-discovery', agent: String.raw`\bwfuzz\b` },
  { name: 'nmap', cls: 'port-scanner', agent: String.raw`nmap scripting engine|\bnmap\b` },
  { name: 'whatweb', cls: 'fingerprinting', agent: String.raw`\bwhatweb\b` },
  { name: 'masscan-ng', cls: 'internet-survey', agent: String.raw`\bmasscan-ng\b` },
  { name: 'masscan', cls: 'internet-survey', agent: String.raw`\bmasscan\b` },
  { name: 'zgrab', cls: 'internet-survey', agent: String.raw`\bzgrab\d?\b` },
  { name: 'censys', cls: 'internet-survey', agent: String.raw`censysinspect` },
  { name: 'expanse', cls: 'internet-survey', agent: String.raw`expanse, a palo alto networks company|\bexpanse indexes\b` },
];

/** One pattern for all agents; the capture group that matched names the tool. */
const AGENT_PATTERN = new RegExp(TOOLS.map((t) => `(${t.agent})`).join('|'), 'i');

/** Scanner fingerprints in URLs and referrers (path, query, referrer). */
const URL_MARKERS: readonly { name: string; cls: ToolClass; re: string }[] = [
  { name: 'acunetix', cls: 'vulnerability-scanner', re: String.raw`acunetix[-_](?:wvs|security)|acunetix-wvs-test|\bwvstest=` },
  { name: 'netsparker', cls: 'vulnerability-scanner', re: String.raw`netsparker` },
  { name: 'w3af', cls: 'vulnerability-scanner', re: String.raw`\bw3af\b` },
  { name: 'burp collaborator', cls: 'vulnerability-scanner', re: String.raw`burpcollaborator\.net|\boastify\.com` },
  { name: 'interactsh', cls: 'vulnerability-scanner', re: String.raw`\binteract\.sh\b|\.oast\.(?:fun|pro|live|site|online|me)\b` },
];
const URL_PATTERN = new RegExp(URL_MARKERS.map((m) => `(${m.re})`).join('|'), 'i');

/** Distinct agents whose verdict is remembered (agents repeat across a log). */
const AGENT_CACHE_ENTRIES = 4096;
/** Distinct paths whose URL-marker verdict is remembered (a site's pages and assets). */
const PATH_CACHE_ENTRIES = 16_384;
/** Distinct referrers whose verdict is remembered (a site's own pages, search engines, a few hundred others). */
const REFERRER_CACHE_ENTRIES = 8192;

interface ToolHit {
  name: string;
  cls: ToolClass;
  /** Where the hit is: in the agent, or a marker in the URL/referrer. */
  where: 'user-agent' | 'url' | 'referrer';
  /** [start, end) inside that field's value. */
  start: number;
  end: number;
}

/** The tool an agent names, or null. Pure; `extraAgents` are lower-case substrings. */
export function identifyTool(userAgent: string, extraAgents: readonly string[] = []): { name: string; cls: ToolClass; start: number; end: number } | null {
  const m = AGENT_PATTERN.exec(userAgent);
  if (m) {
    for (let g = 1; g < m.length; g++) {
      if (m[g] !== undefined) return { name: TOOLS[g - 1].name, cls: TOOLS[g - 1].cls, start: m.index, end: m.index + m[0].length };
    }
  }
  if (extraAgents.length > 0) {
    const lower = userAgent.toLowerCase();
    for (const extra of extraAgents) {
      const at = lower.indexOf(extra);
      if (at >= 0) return { name: extra, cls: 'user-listed', start: at, end: at + extra.length };
    }
  }
  return null;
}

/** A scanner marker in a URL or referrer, or null. */
export function findScannerMarker(value: string): { name: string; cls: ToolClass; start: number; end: number } | null {
  const m = URL_PATTERN.exec(value);
  if (!m) return null;
  for (let g = 1; g < m.length; g++) {
    if (m[g] !== undefined) return { name: URL_MARKERS[g - 1].name, cls: URL_MARKERS[g - 1].cls, start: m.index, end: m.index + m[0].length };
  }
  return null;
}

interface SourceState {
  source: string | undefined;
  requests: number;
  lines: number[];
  firstLine: number;
  /** Span of the first hit on its line. */
  span: [number, number];
  firstExcerpt: string;
  firstWhere: ToolHit['where'];
  /** Requests per tool name. */
  tools: Map<string, { cls: ToolClass; requests: number }>;
}

export const createScannerDetector: DetectorFactory = (config, ids): Detector => {
  const extra = config.rules.scanner.extraAgents
    .map((a) => (typeof a === 'string' ? a.trim().toLowerCase() : ''))
    .filter((a) => a.length > 0);
  const maxLines = Math.max(1, config.maxEvidenceLines);
  const bySource = new Map<string, SourceState>();
  // Verdicts per agent and per path, remembered by the analyzer's ids (agents and paths repeat).
  // (an agent of one character names no tool: decided here, so that a lookup by id reads no string)
  const agentTool = new IdMemo((ua: string) => (ua.length > 1 ? identifyTool(ua, extra) : null), AGENT_CACHE_ENTRIES);
  const pathMarker = new IdMemo(markerOf, PATH_CACHE_ENTRIES);
  // Referrers repeat as much as paths (a site links to itself); queries mostly do not.
  const referrerMarker = new DirectIdMemo(markerOf, REFERRER_CACHE_ENTRIES, REFERRER_CACHE_ENTRIES);

  return {
    rule: 'scanner',

    observe(record: LogRecord, line: LineText): void {
      if (record.kind !== 'http') return;
      let hits: ToolHit[] | null = null;
      const ua = record.userAgent;
      if (ua !== undefined) {
        const t = agentTool.get(ids ? ids.agent : -1, ua);
        if (t) hits = [toolHit(t, 'user-agent')];
      }
      const path = record.path;
      if (path !== undefined) {
        const t = pathMarker.get(ids ? ids.path : -1, path);
        if (t) hits = addHit(hits, t, 'url');
      }
      hits = addMarker(hits, record.query === undefined ? null : markerOf(record.query), 'url');
      if (record.referrer !== undefined) hits = addMarker(hits, referrerMarker.get(ids ? ids.referrer : -1, record.referrer), 'referrer');
      if (hits === null) return;

      const key = record.source ?? '';
      let st = bySource.get(key);
      if (!st) {
        const first = hits[0];
        const firstValue = first.where === 'user-agent' ? ua! : first.where === 'referrer' ? record.referrer! : markerValue(record, first);
        st = {
          source: record.source === undefined ? undefined : copyString(record.source),
          requests: 0,
          lines: [],
          firstLine: record.line,
          span: spanOnLine(line.text, firstValue, first, first.where === 'user-agent'),
          firstExcerpt: copyString(firstValue.slice(0, 200)),
          firstWhere: first.where,
          tools: new Map(),
        };
        bySource.set(key, st);
      }
      st.requests++;
      if (st.lines.length < maxLines) st.lines.push(record.line);
      for (const h of hits) {
        const t = st.tools.get(h.name);
        if (t) t.requests++;
        else st.tools.set(h.name, { cls: h.cls, requests: 1 });
      }
    },

    finish(ctx: DetectorContext): Finding[] {
      const findings: Finding[] = [];
      for (const st of bySource.values()) {
        if (st.source !== undefined && ctx.isAllowed(st.source)) continue;
        findings.push(makeFinding(draftOf(st), ctx.file, ctx.config.maxEvidenceLines));
      }
      return findings;
    },
  };
};

/** A URL marker in a value long enough to hold one, or null. */
function markerOf(value: string): ReturnType<typeof findScannerMarker> {
  return value.length < 4 ? null : findScannerMarker(value);
}

function addMarker(hits: ToolHit[] | null, t: ReturnType<typeof findScannerMarker>, where: ToolHit['where']): ToolHit[] | null {
  return t ? addHit(hits, t, where) : hits;
}

function addHit(hits: ToolHit[] | null, t: Omit<ToolHit, 'where'>, where: ToolHit['where']): ToolHit[] | null {
  if (!hits) return [toolHit(t, where)];
  if (!hits.some((h) => h.name === t.name)) hits.push(toolHit(t, where));
  return hits;
}

/**
 * A hit, always built field by field in one order: objects spread from an agent's and from a
 * URL's match came out with different hidden classes, and the code reading them was
 * recompiled at each new one.
 */
function toolHit(t: Omit<ToolHit, 'where'>, where: ToolHit['where']): ToolHit {
  return { name: t.name, cls: t.cls, where, start: t.start, end: t.end };
}

/** The path or query a URL marker was found in. */
function markerValue(record: LogRecord, hit: ToolHit): string {
  const path = record.path ?? '';
  const m = findScannerMarker(path);
  return m && m.name === hit.name ? path : record.query ?? path;
}

/** Columns of the hit on the raw line (the whole line when the value is not on it). */
function spanOnLine(text: string, value: string, hit: ToolHit, last: boolean): [number, number] {
  const at = last ? text.lastIndexOf(value) : text.indexOf(value);
  if (at < 0) return [0, text.length];
  return [at + hit.start, at + hit.end];
}

function draftOf(st: SourceState) {
  const names: string[] = [];
  const requests: number[] = [];
  const classes: string[] = [];
  let base = 0;
  let worst: ToolClass = 'internet-survey';
  for (const [name, t] of st.tools) {
    names.push(name);
    requests.push(t.requests);
    classes.push(t.cls);
    if (CLASS_BASE[t.cls] > base) {
      base = CLASS_BASE[t.cls];
      worst = t.cls;
    }
  }
  // 20 requests give ~63% of the volume share: a tool run, not one stray request
  const confidence = base + 0.15 * saturate(st.requests - 1, 20) + (names.length > 1 ? 0.05 : 0);
  const who = st.source ?? 'an unknown source';
  const title = names.length === 1 ? `${names[0]} (${CLASS_LABEL[worst]}) from ${who}` : `Attack tools (${names.join(', ')}) from ${who}`;
  const seenIn = st.firstWhere === 'user-agent' ? 'user agent' : st.firstWhere === 'referrer' ? 'referrer' : 'URL';
  const message =
    `${st.requests} request${st.requests === 1 ? '' : 's'} from ${who} by ${names.join(', ')} (${CLASS_LABEL[worst]}); ` +
    `first on line ${st.firstLine + 1}, ${seenIn}: ${st.firstExcerpt}`;
  const evidence: Record<string, EvidenceValue> = {
    tools: names,
    toolRequests: requests,
    toolClasses: classes,
    requests: st.requests,
    firstSeenIn: st.firstWhere,
    excerpt: st.firstExcerpt,
    span: [st.span[0], st.span[1]],
  };
  return {
    rule: 'scanner' as const,
    title,
    confidence,
    source: st.source,
    primaryLine: st.firstLine,
    evidenceLines: st.lines,
    message,
    evidence,
  };
}
