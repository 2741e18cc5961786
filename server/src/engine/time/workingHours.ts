import type { WorkingHours } from '../config';

const HOUR_MS = 3_600_000;

/**
 * Decides "outside working hours" for instants. Resolving an IANA zone costs an Intl call,
 * so results are cached per UTC hour (zone offsets change on hour boundaries in practice).
 */
export class WorkingHoursClock {
  private readonly days: boolean[];
  private readonly byHour = new Map<number, number>(); // UTC hour → day*24 + local hour
  private readonly formatter: Intl.DateTimeFormat | undefined;
  /** The last hour asked about and its answer: logs are in time order, so most calls repeat it. */
  private lastKey = NaN;
  private lastOff = false;

  constructor(private readonly hours: WorkingHours) {
    this.days = Array.from({ length: 7 }, (_, d) => hours.days.includes(d));
    if (hours.timezone !== 'log') {
      try {
        this.formatter = new Intl.DateTimeFormat('en-US', {
          timeZone: hours.timezone,
          hourCycle: 'h23',
          weekday: 'short',
          hour: 'numeric',
        });
      } catch {
        this.formatter = undefined; // unknown zone: fall back to the log's own clock
      }
    }
  }

  /** True when the instant is outside working hours; false when the time is unknown. */
  isOffHours(time: number, offsetMinutes: number): boolean {
    if (!Number.isFinite(time)) return false;
    // The answer only changes with the hour: the log's local hour, or the UTC hour a zone's
    // offset is looked up by.
    const key = Math.floor((this.formatter ? time : time + offsetMinutes * 60_000) / HOUR_MS);
    if (key === this.lastKey) return this.lastOff;
    const { day, hour } = this.localDayHour(time, offsetMinutes);
    const off = !this.days[day] || hour < this.hours.start || hour >= this.hours.end;
    this.lastKey = key;
    this.lastOff = off;
    return off;
  }

  localDayHour(time: number, offsetMinutes: number): { day: number; hour: number } {
    if (!this.formatter) {
      const local = new Date(time + offsetMinutes * 60_000);
      return { day: local.getUTCDay(), hour: local.getUTCHours() };
    }
    const key = Math.floor(time / HOUR_MS);
    const cached = this.byHour.get(key);
    if (cached !== undefined) {
      const packed = cached;
      return { day: Math.floor(packed / 24), hour: packed % 24 };
    }
    const parts = this.formatter.formatToParts(new Date(key * HOUR_MS));
    const weekday = parts.find((p) => p.type === 'weekday')?.value ?? 'Mon';
    const hour = Number(parts.find((p) => p.type === 'hour')?.value ?? 0) % 24;
    const day = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(weekday);
    this.byHour.set(key, day * 24 + hour);
    return { day, hour };
  }
}
