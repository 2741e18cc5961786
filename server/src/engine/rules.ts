import type { RuleId } from './model';

/** What every consumer (CLI, SARIF, diagnostics, panel) needs to know about a rule. */
export interface RuleInfo {
  id: RuleId;
  name: string;
  /** One sentence for rule lists and SARIF `shortDescription`. */
  summary: string;
  /** Default ATT&CK techniques; a finding may name a more specific one. */
  attack: string[];
}

export const RULES: Readonly<Record<RuleId, RuleInfo>> = {
  'brute-force': {
    id: 'brute-force',
    name: 'Brute force',
    summary: 'Repeated authentication failures from one source within a time window.',
    attack: ['T1110.001'],
  },
  'compromise-after-brute-force': {
    id: 'compromise-after-brute-force',
    name: 'Login after brute force',
    summary: 'A successful login from a source that was brute-forcing before.',
    attack: ['T1078'],
  },
  'url-scan': {
    id: 'url-scan',
    name: 'URL scan',
    summary: 'One source requesting many distinct paths, mostly answered 4xx.',
    attack: ['T1595.003'],
  },
  'port-scan': {
    id: 'port-scan',
    name: 'Port scan',
    summary: 'One source hitting many destination ports (firewall/kernel logs).',
    attack: ['T1046'],
  },
  scanner: {
    id: 'scanner',
    name: 'Attack tool',
    summary: 'Requests whose user agent names a known attack or scanning tool.',
    attack: ['T1595.002'],
  },
  'web-attack': {
    id: 'web-attack',
    name: 'Web attack payload',
    summary: 'Attack payloads (SQLi, XSS, traversal, Log4Shell, ...) in the URL, user agent or referrer.',
    attack: ['T1190'],
  },
  'high-volume': {
    id: 'high-volume',
    name: 'High request volume',
    summary: 'A request rate far above the rest of the population.',
    attack: ['T1498', 'T1499'],
  },
  'data-exfiltration': {
    id: 'data-exfiltration',
    name: 'Data exfiltration',
    summary: 'Bytes sent to one source far above the population, or a response far above its path\'s norm.',
    attack: ['T1030', 'T1048'],
  },
  'error-rate': {
    id: 'error-rate',
    name: 'High error rate',
    summary: 'A share of 4xx/5xx responses far above the population.',
    attack: ['T1595'],
  },
  'off-hours': {
    id: 'off-hours',
    name: 'Off-hours activity',
    summary: 'Logins and admin activity outside working hours.',
    attack: ['T1078'],
  },
  'ml-outlier': {
    id: 'ml-outlier',
    name: 'Multivariate outlier',
    summary: 'A source whose behaviour an Isolation Forest isolates far sooner than the rest.',
    attack: [],
  },
};

export const RULE_IDS = Object.keys(RULES) as RuleId[];

/** The ATT&CK page of a technique id such as T1110 or T1110.001. */
export function attackUrl(technique: string): string {
  const [base, sub] = technique.split('.');
  return `https://attack.mitre.org/techniques/${base}/${sub ? sub + '/' : ''}`;
}

/** Where a rule is documented (the rule table of the project README). */
export function ruleDocsUrl(rule: RuleId): string {
  return `https://github.com/log-warden/log-warden#rule-${rule}`;
}
