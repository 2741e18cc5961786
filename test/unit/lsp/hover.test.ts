import { strict as assert } from 'node:assert';
import { analyzeText } from '../../../server/src/engine/analyzer';
import { DEFAULT_CONFIG } from '../../../server/src/engine/config';
import { describeFinding, escapeMarkdown } from '../../../server/src/lsp/hover';

/** Characters that start Markdown syntax, links or HTML when unescaped. */
const ACTIVE = /[\\`*_{}[\]()<>#+!|~&:]/;

/** True when every active character of `md` is escaped by a backslash. */
function fullyEscaped(md: string): boolean {
  for (let i = 0; i < md.length; i++) {
    if (md[i] === '\\') {
      i++; // the escaped character
      continue;
    }
    if (ACTIVE.test(md[i])) return false;
  }
  return true;
}

describe('hover text written from attacker-controlled log text', () => {
  it('escapes links, autolinks, HTML and emphasis', () => {
    const hostile = '[click](https://evil.example/x) <img src=x onerror=alert(1)> www.evil.example **b** `c`\nnext';
    const md = escapeMarkdown(hostile);
    assert.ok(fullyEscaped(md), md);
    assert.ok(!/https?:/i.test(md) && !/www\./i.test(md), `no autolink survives: ${md}`);
    assert.ok(!md.includes('\n'), 'one line');
  });

  it('a finding from a hostile request line shows its URL as text, not as a link', () => {
    const line = `203.0.113.9 - - [10/Oct/2024:13:55:36 +0000] "GET /?q=<script>alert(1)</script>&r=http://evil.example/[x](javascript:alert(1)) HTTP/1.1" 200 12 "-" "Mozilla/5.0"`;
    const report = analyzeText(line + '\n', { path: 'access.log', config: DEFAULT_CONFIG });
    const finding = report.findings.find((f) => f.rule === 'web-attack');
    assert.ok(finding, 'the XSS request is a web-attack finding');
    const md = describeFinding(finding);
    // the first two lines are the escaped title and message
    const [title, , message] = md.split('\n');
    assert.ok(fullyEscaped(title.replace(/^\*\*|\*\* — .*$/g, '')), title);
    assert.ok(fullyEscaped(message), message);
  });
});
