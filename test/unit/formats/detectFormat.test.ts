import { strict as assert } from 'node:assert';
import { detectFormat } from '../../../server/src/engine/formats';
import type { FormatId } from '../../../server/src/engine/model';

const ctx = { referenceYear: 2024, referenceTime: Date.UTC(2024, 5, 15) };

/** A few lines of each format, as the servers write them. */
const SAMPLES: Record<FormatId, string[]> = {
  'apache-combined': [
    '203.0.113.9 - - [05/Mar/2024:14:07:09 +0100] "GET /index.html HTTP/1.1" 200 5120 "https://example.com/" "Mozilla/5.0 (X11; Linux x86_64)"',
    '203.0.113.9 - - [05/Mar/2024:14:07:10 +0100] "GET /style.css HTTP/1.1" 200 812 "https://example.com/index.html" "Mozilla/5.0 (X11; Linux x86_64)"',
    '198.51.100.4 - bob [05/Mar/2024:14:08:00 +0100] "POST /login HTTP/1.1" 401 64 "-" "curl/8.4.0"',
    '192.0.2.77 - - [05/Mar/2024:14:09:31 +0100] "GET /wp-admin/ HTTP/1.1" 404 196 "-" "Mozilla/5.0 (compatible; Nmap Scripting Engine)"',
    '10.0.0.5 - - [05/Mar/2024:14:10:02 +0100] "HEAD / HTTP/1.0" 200 - "-" "check_http/v2.3.3"',
  ],
  'apache-common': [
    '203.0.113.9 - - [05/Mar/2024:14:07:09 +0100] "GET /index.html HTTP/1.1" 200 5120',
    '203.0.113.9 - - [05/Mar/2024:14:07:10 +0100] "GET /style.css HTTP/1.1" 200 812',
    '198.51.100.4 - bob [05/Mar/2024:14:08:00 +0100] "POST /login HTTP/1.1" 401 64',
    '192.0.2.77 - - [05/Mar/2024:14:09:31 +0100] "GET /missing HTTP/1.1" 404 196',
  ],
  'apache-error': [
    '[Tue Mar 05 14:07:09.123456 2024] [core:error] [pid 1234:tid 140001] [client 203.0.113.9:51234] AH00126: Invalid URI in request GET /../../etc/passwd HTTP/1.1',
    '[Tue Mar 05 14:07:10.000001 2024] [auth_basic:error] [pid 1235] [client 198.51.100.4:40000] AH01618: user bob not found: /admin',
    '[Tue Mar 05 14:08:00.500000 2024] [mpm_event:notice] [pid 1000:tid 140000] AH00489: Apache/2.4.58 (Unix) configured -- resuming normal operations',
    '[Tue Mar 05 14:09:00.000000 2024] [authz_core:error] [pid 1236] [client 192.0.2.7:5555] AH01630: client denied by server configuration: /srv/www/private',
  ],
  'nginx-error': [
    '2024/03/05 14:07:09 [error] 1234#1234: *5 open() "/usr/share/nginx/html/wp-login.php" failed (2: No such file or directory), client: 203.0.113.9, server: example.com, request: "GET /wp-login.php HTTP/1.1", host: "example.com"',
    '2024/03/05 14:07:10 [error] 1234#1234: *6 user "admin": password mismatch, client: 198.51.100.4, server: example.com, request: "GET /admin HTTP/1.1", host: "example.com"',
    '2024/03/05 14:08:00 [notice] 1000#1000: signal process started',
    '2024/03/05 14:09:00 [warn] 1234#1234: *7 an upstream response is buffered to a temporary file, client: 192.0.2.7, server: example.com, request: "GET /big HTTP/1.1"',
  ],
  syslog: [
    'Mar  5 14:07:09 web1 sshd[2210]: Failed password for invalid user admin from 203.0.113.9 port 51234 ssh2',
    'Mar  5 14:07:11 web1 sshd[2210]: Connection closed by invalid user admin 203.0.113.9 port 51234 [preauth]',
    'Mar  5 14:08:00 web1 sudo:    alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/apt update',
    'Mar  5 14:09:12 web1 kernel: [UFW BLOCK] IN=eth0 OUT= MAC=00:16:3e:00:00:01:00:16:3e:00:00:02:08:00 SRC=192.0.2.7 DST=10.0.0.1 LEN=44 PROTO=TCP SPT=4444 DPT=23 WINDOW=1024 SYN URGP=0',
    'Mar  5 14:10:00 web1 CRON[3001]: (root) CMD (run-parts /etc/cron.hourly)',
  ],
  'syslog-5424': [
    '<34>1 2024-03-05T14:07:09.003Z web1 sshd 2210 - - Failed password for root from 203.0.113.9 port 51234 ssh2',
    '<38>1 2024-03-05T14:07:10.120+01:00 web1 sshd 2211 - [meta sequenceId="5"] Accepted publickey for alice from 198.51.100.4 port 40000 ssh2',
    '<13>1 2024-03-05T14:08:00Z web1 app 77 ID47 - application started',
    '<86>1 2024-03-05T14:09:00Z web1 sudo - - - alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/bin/ls',
  ],
  json: [
    '{"@timestamp":"2024-03-05T14:07:09Z","source":{"ip":"203.0.113.9"},"http":{"request":{"method":"GET"},"response":{"status_code":200}},"url":{"original":"/"}}',
    '{"@timestamp":"2024-03-05T14:07:10Z","source":{"ip":"198.51.100.4"},"http":{"request":{"method":"POST"},"response":{"status_code":401}},"url":{"original":"/login"}}',
    '{"level":30,"time":1709647630000,"pid":7,"hostname":"web1","msg":"request completed"}',
    '{"ts":"2024-03-05T14:07:12Z","level":"ERROR","msg":"database unreachable"}',
  ],
  w3c: [
    '#Software: Microsoft Internet Information Services 10.0',
    '#Version: 1.0',
    '#Date: 2024-03-05 14:00:00',
    '#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken',
    '2024-03-05 14:07:09 10.0.0.1 GET /default.aspx - 443 - 203.0.113.9 Mozilla/5.0+(Windows+NT+10.0) - 200 0 0 31',
    '2024-03-05 14:07:10 10.0.0.1 POST /owa/auth.owa - 443 alice 198.51.100.4 Mozilla/5.0+(Windows+NT+10.0) - 401 1 0 12',
  ],
  generic: [
    '2024-03-05 14:07:09,123 INFO  [main] com.example.App - Starting application',
    '2024-03-05 14:07:10,456 WARN  [pool-1] com.example.Db - Slow query took 2300 ms',
    '2024-03-05 14:07:11,789 ERROR [http-8080-1] com.example.Auth - Authentication failed for user bob from 203.0.113.9',
    '2024-03-05 14:07:12,000 INFO  [http-8080-2] com.example.Auth - User alice logged in from 198.51.100.4',
  ],
};

describe('detectFormat', () => {
  for (const [expected, lines] of Object.entries(SAMPLES) as [FormatId, string[]][]) {
    it(`recognises ${expected}`, () => {
      const { format, scores } = detectFormat(lines, ctx);
      assert.equal(format.id, expected, `scores: ${JSON.stringify(scores)}`);
    });
  }

  it('ignores empty lines in the sample', () => {
    const { format } = detectFormat(['', ...SAMPLES.json, '   ', ''], ctx);
    assert.equal(format.id, 'json');
  });

  it('falls back to generic when nothing fits', () => {
    const { format } = detectFormat(['Hello, World!', 'How are you?'], ctx);
    assert.equal(format.id, 'generic');
  });
});
