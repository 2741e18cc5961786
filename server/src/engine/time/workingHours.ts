import type { WorkingHours } from '../config';

const HOUR_MS = 3_600_000;
const HOURS_A_WEEK = 7 * 24;

/**
 * Decides "outside working hours" for instants. Resolving an IANA zone costs an Intl call,
 * so results are cached per UTC hour (zone offsets change on hour boundaries in practice).
 */
export class WorkingHoursClock {
  /** Per hour of the local week (day × 24 + hour, from Sunday 0:00): 1 when outside working hours. */
  private readonly offHour = new Uint8Array(HOURS_A_WEEK);
  private readonly byHour = new Map<number, number>(); // UTC hour → day*24 + local hour
  private readonly formatter: Intl.DateTimeFormat | undefined;
  /** The last hour asked about and its answer: logs are in time order, so most calls repeat it. */
  private lastKey = NaN;
  private lastOff = false;

  constructor(hours: WorkingHours) {
    for (let day = 0; day < 7; day++) {
      for (let hour = 0; hour < 24; hour++) {
        if (!hours.days.includes(day) || hour < hours.start || hour >= hours.end) this.offHour[day * 24 + hour] = 1;
      }
    }
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
    if (this.formatter) return this.isOffHoursInZone(time, offsetMinutes);
    // The log's own clock: the hour of the week by arithmetic (1970-01-01, hour 0, was a
    // Thursday: 96 hours into a week from Sunday), with no branch that only a later hour
    // takes — such a branch, first taken hours into a log, made V8 throw away and recompile
    // every optimised function this one is inlined into. (An unknown offset is off hours,
    // as before: the index is NaN.)
    const localHour = Math.floor((time + offsetMinutes * 60_000) / HOUR_MS);
    const hourOfWeek = (((localHour + 96) % HOURS_A_WEEK) + HOURS_A_WEEK) % HOURS_A_WEEK;
    return this.offHour[hourOfWeek] !== 0;
  }

  /** isOffHours with an IANA zone: the answer only changes with the UTC hour. */
  private isOffHoursInZone(time: number, offsetMinutes: number): boolean {
    const key = Math.floor(time / HOUR_MS);
    if (key === this.lastKey) return this.lastOff;
    const { day, hour } = this.localDayHour(time, offsetMinutes);
    const off = this.offHour[day * 24 + hour] !== 0;
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
