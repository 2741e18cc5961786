/** A one-line progress bar on a terminal stream, redrawn at most every 100 ms. */
export class ProgressBar {
  private lastDraw = 0;
  private readonly started = Date.now();

  constructor(
    private readonly stream: NodeJS.WritableStream & { columns?: number },
    private readonly label: string,
  ) {}

  update(done: number, total: number): void {
    const now = Date.now();
    if (now - this.lastDraw < 100 && done < total) return;
    this.lastDraw = now;
    const share = total > 0 ? Math.min(1, done / total) : 0;
    const seconds = (now - this.started) / 1000;
    const rate = seconds > 0 ? done / 1048576 / seconds : 0;
    const columns = this.stream.columns ?? 80;
    const info = ` ${(share * 100).toFixed(0).padStart(3)}% ${rate.toFixed(0)} MB/s`;
    const name = this.label.length > 30 ? '…' + this.label.slice(-29) : this.label;
    const width = Math.max(10, columns - name.length - info.length - 4);
    const filled = Math.round(width * share);
    this.stream.write(`\r${name} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}]${info}`);
  }

  done(): void {
    if (this.lastDraw > 0) this.stream.write('\r\x1b[K');
  }
}
