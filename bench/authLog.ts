/**
 * A repeatable sshd/PAM auth.log of an internet-facing server: the constant background of
 * single password guesses from thousands of addresses, staff logging in with keys, cron
 * sessions every minute, sudo commands; and a few real attacks: a long root brute force, a
 * password spray over many user names, and a guessing run that ends in a successful login.
 */
import { LineWriter } from './lineWriter';
import { Agenda, type Actor } from './agenda';
import { pick, seededRandom } from './random';
import type { GeneratedLog, InjectedAttack } from './accessLog';
import { MONTH_ABBREVIATIONS as MONTHS } from '../server/src/engine/time/monthNameDate';

/** ~0.39 lines a second: a 1M-line auth.log spans about a month. */
const LINES_PER_SECOND = 0.39;
/** 4 March (year-less syslog dates; the analyser takes the year from the file). */
const START = Date.UTC(2024, 2, 4, 0, 0, 0) / 1000;
const DAY = 86_400;
const HOST = 'web01';

const GUESSED_USERS = 'admin test user ubuntu oracle postgres git ftpuser guest pi support deploy jenkins hadoop mysql www-data nagios tomcat dev administrator ts3 minecraft'.split(' ');
const STAFF = ['alice', 'bob', 'carol', 'deploy', 'backup'];
const COMMANDS = ['/usr/bin/systemctl restart nginx', '/usr/bin/apt update', '/usr/bin/journalctl -u nginx', '/usr/bin/tail -n 200 /var/log/nginx/error.log', '/usr/sbin/ufw status'];

class Out {
  private cachedSecond = -1;
  private cachedStamp = '';
  readonly seen = new Set<string>();
  pid = 20_000;

  constructor(private readonly writer: LineWriter) {}

  get lines(): number {
    return this.writer.lines;
  }

  line(t: number, program: string, pid: number, message: string, ip?: string): void {
    if (ip) this.seen.add(ip);
    this.writer.write(`${this.stamp(t)} ${HOST} ${program}[${pid}]: ${message}`);
  }

  plain(t: number, program: string, message: string): void {
    this.writer.write(`${this.stamp(t)} ${HOST} ${program}: ${message}`);
  }

  nextPid(): number {
    this.pid = this.pid >= 4_000_000 ? 20_000 : this.pid + 1 + (this.pid % 7);
    return this.pid;
  }

  private stamp(t: number): string {
    const s = Math.floor(t);
    if (s !== this.cachedSecond) {
      const d = new Date(s * 1000);
      const p2 = (n: number) => (n < 10 ? '0' : '') + n;
      const day = d.getUTCDate();
      this.cachedSecond = s;
      this.cachedStamp = `${MONTHS[d.getUTCMonth()]} ${day < 10 ? ' ' : ''}${day} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}`;
    }
    return this.cachedStamp;
  }
}

/** Lines of one connection written at their times: the steps are closures run in order. */
class Connection implements Actor<Out> {
  private i = 0;

  constructor(
    public next: number,
    private readonly steps: readonly [number, (t: number, out: Out) => void][],
  ) {}

  step(out: Out): boolean {
    const [, write] = this.steps[this.i++];
    write(this.next, out);
    if (this.i >= this.steps.length) return false;
    this.next += this.steps[this.i][0];
    return true;
  }
}

function publicIpv4(random: () => number): string {
  for (;;) {
    const a = 1 + pick(random, 223);
    if (a === 10 || a === 127 || a === 172 || a === 192 || a === 169 || a === 100) continue;
    return `${a}.${pick(random, 256)}.${pick(random, 256)}.${1 + pick(random, 254)}`;
  }
}

/** One password guess: an unknown user or a wrong password, then the disconnect. */
function guess(out: Out, random: () => number, ip: string, user: string, invalid: boolean): [number, (t: number, o: Out) => void][] {
  const pid = out.nextPid();
  const port = 30_000 + pick(random, 35_000);
  const steps: [number, (t: number, o: Out) => void][] = [];
  if (invalid) {
    steps.push([0, (t, o) => o.line(t, 'sshd', pid, `Invalid user ${user} from ${ip} port ${port}`, ip)]);
    steps.push([0.2, (t, o) => o.line(t, 'sshd', pid, 'pam_unix(sshd:auth): check pass; user unknown')]);
    steps.push([0, (t, o) => o.line(t, 'sshd', pid, `pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=${ip}`)]);
    steps.push([1.8, (t, o) => o.line(t, 'sshd', pid, `Failed password for invalid user ${user} from ${ip} port ${port} ssh2`, ip)]);
    steps.push([0.3, (t, o) => o.line(t, 'sshd', pid, `Received disconnect from ${ip} port ${port}:11: Bye Bye [preauth]`, ip)]);
    steps.push([0, (t, o) => o.line(t, 'sshd', pid, `Disconnected from invalid user ${user} ${ip} port ${port} [preauth]`, ip)]);
  } else {
    steps.push([0, (t, o) => o.line(t, 'sshd', pid, `pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=${ip}  user=${user}`)]);
    steps.push([2, (t, o) => o.line(t, 'sshd', pid, `Failed password for ${user} from ${ip} port ${port} ssh2`, ip)]);
    steps.push([0.4, (t, o) => o.line(t, 'sshd', pid, `Connection closed by authenticating user ${user} ${ip} port ${port} [preauth]`, ip)]);
  }
  return steps;
}

/** A key login of a staff member, a few commands, the logout. */
function staffSession(out: Out, random: () => number, user: string, ip: string): [number, (t: number, o: Out) => void][] {
  const pid = out.nextPid();
  const port = 40_000 + pick(random, 20_000);
  const session = 1 + pick(random, 90_000);
  const uid = 1000 + STAFF.indexOf(user);
  const steps: [number, (t: number, o: Out) => void][] = [
    [0, (t, o) => o.line(t, 'sshd', pid, `Accepted publickey for ${user} from ${ip} port ${port} ssh2: ED25519 SHA256:Vq4xL2mDk3n8pR1sT6wY9zB0cF5hJ7gA2eI4oU6yK8M`, ip)],
    [0, (t, o) => o.line(t, 'sshd', pid, `pam_unix(sshd:session): session opened for user ${user}(uid=${uid}) by (uid=0)`)],
    [0, (t, o) => o.line(t, 'systemd-logind', 612, `New session ${session} of user ${user}.`)],
  ];
  if (random() < 0.4) {
    const cmd = COMMANDS[pick(random, COMMANDS.length)];
    steps.push([20 + random() * 200, (t, o) => o.plain(t, 'sudo', `${user.padStart(8)} : TTY=pts/0 ; PWD=/home/${user} ; USER=root ; COMMAND=${cmd}`)]);
    steps.push([0, (t, o) => o.plain(t, 'sudo', `pam_unix(sudo:session): session opened for user root(uid=0) by ${user}(uid=${uid})`)]);
    steps.push([1 + random() * 5, (t, o) => o.plain(t, 'sudo', 'pam_unix(sudo:session): session closed for user root')]);
  }
  steps.push([60 + random() * 1800, (t, o) => o.line(t, 'sshd', pid, `Received disconnect from ${ip} port ${port}:11: disconnected by user`, ip)]);
  steps.push([0, (t, o) => o.line(t, 'sshd', pid, `Disconnected from user ${user} ${ip} port ${port}`, ip)]);
  steps.push([0, (t, o) => o.line(t, 'sshd', pid, `pam_unix(sshd:session): session closed for user ${user}`)]);
  steps.push([0, (t, o) => o.line(t, 'systemd-logind', 612, `Session ${session} logged out. Waiting for processes to exit.`)]);
  return steps;
}

/** A root cron job every minute: three lines each. */
class Cron implements Actor<Out> {
  private i = 0;
  private pid = 0;

  constructor(public next: number) {}

  step(out: Out): boolean {
    const k = this.i++ % 3;
    if (k === 0) {
      this.pid = out.nextPid();
      out.line(this.next, 'CRON', this.pid, 'pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)');
    } else if (k === 1) {
      out.line(this.next, 'CRON', this.pid, '(root) CMD (cd / && run-parts --report /etc/cron.hourly)');
      this.next += 1;
    } else {
      out.line(this.next, 'CRON', this.pid, 'pam_unix(cron:session): session closed for user root');
      this.next += 59;
    }
    return true;
  }
}

export function generateAuthLog(path: string, options: { lines: number; seed: number }): GeneratedLog {
  const random = seededRandom(options.seed);
  const writer = new LineWriter(path);
  const out = new Out(writer);
  const agenda = new Agenda<Actor<Out>>();
  const attacks: InjectedAttack[] = [];
  const at = (day: number, hour: number, minute: number) => START + day * DAY + hour * 3600 + minute * 60;

  // A root brute force: 1,500 guesses over ~2 hours.
  {
    const ip = '218.92.0.112';
    for (let k = 0; k < 1500; k++) agenda.push(new Connection(at(2, 3, 0) + k * 4.8 + random(), guess(out, random, ip, 'root', false)));
    attacks.push({ rules: ['brute-force'], source: ip, what: 'root password guessing (1,500 tries)', lines: 1500 * 3 });
  }
  // A spray: one guess for each of many user names.
  {
    const ip = '61.177.172.140';
    for (let k = 0; k < 400; k++) agenda.push(new Connection(at(5, 13, 20) + k * 6 + random(), guess(out, random, ip, `${GUESSED_USERS[k % GUESSED_USERS.length]}${k < GUESSED_USERS.length ? '' : k % 50}`, true)));
    attacks.push({ rules: ['brute-force'], source: ip, what: 'password spray over 400 user names', lines: 400 * 6 });
  }
  // Guessing the deploy account, then getting in.
  {
    const ip = '141.98.11.23';
    for (let k = 0; k < 40; k++) agenda.push(new Connection(at(9, 1, 42) + k * 9 + random(), guess(out, random, ip, 'deploy', false)));
    agenda.push(new Connection(at(9, 1, 42) + 40 * 9 + 20, staffSession(out, random, 'deploy', ip)));
    attacks.push({ rules: ['brute-force', 'compromise-after-brute-force'], source: ip, what: 'guessing then a successful login (deploy)', lines: 40 * 3 + 7 });
  }
  agenda.push(new Cron(START + 1));

  const noise: string[] = [];
  for (let i = 0; i < 6000; i++) noise.push(publicIpv4(random));
  const office = ['10.20.0.11', '10.20.0.12', '10.20.0.15', '10.20.4.7', '10.20.4.9'];
  let next = START;
  while (out.lines < options.lines) {
    const top = agenda.peek();
    if (top && top.next <= next) {
      agenda.pop();
      if (top.step(out)) agenda.push(top);
      continue;
    }
    const t = next;
    const hour = Math.floor((t % DAY) / 3600);
    if (random() < 0.82) {
      // one guess from somewhere on the internet
      const ip = noise[pick(random, noise.length)];
      const invalid = random() < 0.7;
      const user = invalid ? GUESSED_USERS[pick(random, GUESSED_USERS.length)] : 'root';
      agenda.push(new Connection(t, guess(out, random, ip, user, invalid)));
    } else if (hour >= 7 && hour < 19) {
      const k = pick(random, STAFF.length);
      agenda.push(new Connection(t, staffSession(out, random, STAFF[k], office[k])));
    }
    // events of ~5.3 lines on average, cron adds 3 a minute
    const rate = (LINES_PER_SECOND - 0.05) / 5.3;
    next = t - Math.log(1 - random()) / rate;
  }
  writer.close();
  return { path, lines: writer.lines, bytes: writer.bytes, sources: out.seen.size, attacks };
}
