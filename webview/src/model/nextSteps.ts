import type { RuleId } from '../messages';

/** A suggested next step per rule: what an analyst would check or do first. */
export const NEXT_STEPS: Readonly<Record<RuleId, string>> = {
  'brute-force':
    'Check whether any attempt from this source succeeded (look for an accepted login or a 2xx on the login page after the failures). If none did, block or rate-limit the source (fail2ban, WAF); if the users it tried exist, make sure they have strong passwords or MFA.',
  'compromise-after-brute-force':
    'Treat the account as compromised until shown otherwise: disable it or reset its credentials, end its sessions, and review what it did after this login (commands, files, new keys or accounts).',
  'url-scan':
    'See whether any of the probed paths answered 200 (an exposed backup, .env, admin page or VCS folder). Remove or protect what was found, and block the source at the edge if the scan continues.',
  'port-scan':
    'List the ports that were reached and answered; close or firewall the services that should not be exposed. Expect follow-up attempts on the open ones from the same source.',
  scanner:
    'Find out whether the tool was authorised (your own pentest or monitoring). If not, check the responses it got for 2xx on sensitive paths and block its source; its user agent is easy to filter at the WAF.',
  'web-attack':
    'Look at the response status and size of the payload requests: a 2xx or an unusually large answer may mean the attack worked. Check the application logs for errors at that time and patch or filter the vulnerable parameter.',
  'high-volume':
    'Tell a legitimate client (crawler, monitoring, batch job) from abuse: check its user agents and paths. For abuse, rate-limit or block it upstream; for a known client, add it to the allowlist.',
  'data-exfiltration':
    'Identify what was downloaded (paths and sizes) and whether this source is entitled to it. If not, revoke its access, rotate any exposed secrets and treat the data as leaked.',
  'error-rate':
    'Read the paths that failed: many 404s suggest probing, many 401/403s credential or access attempts, 5xx possibly an exploit hitting a bug. Correlate with the other findings for this source.',
  'off-hours':
    'Confirm with the account owner or the on-call schedule that this activity was expected. Unexplained off-hours logins or admin access should be handled like a possible compromise.',
  'ml-outlier':
    'Read which features made this source stand out and compare it with similar clients. On its own this is a lead, not a verdict: look for other findings from the same source before acting.',
};
