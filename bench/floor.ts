/**
 * The floor the analyser is compared with: a plain Node program that streams the file, splits
 * it into lines and applies one precompiled regular expression to each (the combined access
 * log's, or a syslog line's) — reading and a first parse, no detection at all.
 *
 * Usage: node dist/bench-floor.js FILE [combined|syslog]   → prints {"lines":…,"matched":…}
 */
import * as fs from 'node:fs';

const COMBINED = /^(\S+) (\S+) (\S+) \[([^\]]+)\] "([^"]*)" (\d{3}) (\d+|-) "([^"]*)" "([^"]*)"/;
const SYSLOG = /^([A-Z][a-z]{2}) +(\d{1,2}) (\d\d:\d\d:\d\d) (\S+) ([^:[ ]+)(?:\[(\d+)\])?: (.*)$/;

async function main(): Promise<void> {
  const [file, kind = 'combined'] = process.argv.slice(2);
  const re = kind === 'syslog' ? SYSLOG : COMBINED;
  let lines = 0;
  let matched = 0;
  let rest = '';
  // utf8 decoding in the stream keeps characters split across chunks whole
  for await (const chunk of fs.createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 })) {
    const text = rest + (chunk as string);
    let start = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
      lines++;
      if (re.exec(text.slice(start, nl)) !== null) matched++;
      start = nl + 1;
    }
    rest = text.slice(start);
  }
  if (rest.length > 0) {
    lines++;
    if (re.exec(rest) !== null) matched++;
  }
  process.stdout.write(JSON.stringify({ lines, matched }) + '\n');
}

void main();
