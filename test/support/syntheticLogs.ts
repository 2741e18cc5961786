/**
 * Repeatable synthetic logs for tests that need size (hundreds of thousands of lines) or
 * random edits: sshd lines of ordinary users with brute-force bursts mixed in.
 */

import { seededRandom } from '../../bench/random';
import { MONTH_ABBREVIATIONS as MONTHS } from '../../server/src/engine/time/monthNameDate';

export { seededRandom };

const pad = (n: number) => String(n).padStart(2, '0');

function syslogDate(ms: number): string {
  const d = new Date(ms);
  return `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

/** Writes `count` auth.log lines starting at `firstLine` (line numbers drive the clock and the pids). */
export function authLogLines(count: number, options: { seed?: number; firstLine?: number } = {}): string[] {
  const random = seededRandom(options.seed ?? 7);
  const first = options.firstLine ?? 0;
  const start = Date.UTC(2024, 2, 11, 0, 0, 0);
  const users = ['alice', 'bob', 'carol', 'dave', 'erin'];
  const out: string[] = [];
  for (let k = 0; k < count; k++) {
    const line = first + k;
    // ~4 lines a second: 200,000 lines span about 14 hours, across working hours and night.
    const time = syslogDate(start + line * 250);
    const pid = 1000 + (line % 60000);
    const r = random();
    if (r < 0.06) {
      // A burst source among 40 attackers: failures for root.
      const attacker = `203.0.113.${1 + Math.floor(random() * 40)}`;
      out.push(`${time} web01 sshd[${pid}]: Failed password for root from ${attacker} port ${20000 + Math.floor(random() * 40000)} ssh2`);
    } else if (r < 0.08) {
      const attacker = `198.51.100.${1 + Math.floor(random() * 40)}`;
      out.push(`${time} web01 sshd[${pid}]: Invalid user admin${Math.floor(random() * 9)} from ${attacker} port ${20000 + Math.floor(random() * 40000)}`);
    } else {
      const user = users[Math.floor(random() * users.length)];
      const host = `10.20.0.${10 + Math.floor(random() * 30)}`;
      out.push(
        r < 0.5
          ? `${time} web01 sshd[${pid}]: Accepted publickey for ${user} from ${host} port ${30000 + Math.floor(random() * 30000)} ssh2: ED25519 SHA256:q3v8Yb1xk7s2m`
          : `${time} web01 sshd[${pid}]: pam_unix(sshd:session): session opened for user ${user}(uid=1001) by (uid=0)`,
      );
    }
  }
  return out;
}
