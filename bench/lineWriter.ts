import * as fs from 'node:fs';

/** Appends lines to a file in ~1 MB writes (the generated logs reach a gigabyte). */
export class LineWriter {
  private readonly fd: number;
  private parts: string[] = [];
  private size = 0;
  lines = 0;
  bytes = 0;

  constructor(path: string) {
    this.fd = fs.openSync(path, 'w');
  }

  write(line: string): void {
    this.parts.push(line);
    this.size += line.length + 1;
    this.lines++;
    if (this.size >= 1 << 20) this.flush();
  }

  close(): void {
    this.flush();
    fs.closeSync(this.fd);
  }

  private flush(): void {
    if (this.parts.length === 0) return;
    const buf = Buffer.from(this.parts.join('\n') + '\n', 'utf8');
    fs.writeSync(this.fd, buf);
    this.bytes += buf.length;
    this.parts = [];
    this.size = 0;
  }
}
