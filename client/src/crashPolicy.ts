/**
 * When the language server dies, whether to start it again: yes, unless it crashed
 * MAX_RESTARTS + 1 times within WINDOW_MS (a log that kills it on every analysis would
 * otherwise keep a crash loop going). "Log Warden: Restart Server" starts afresh: the user
 * decided to try again, so the old crashes no longer count.
 *
 * Editor-free so that it is tested as plain logic; serverClient.ts maps it onto the language
 * client's ErrorHandler.
 */

/** Restarts allowed within the window; the same figures as vscode-languageclient's default. */
export const MAX_RESTARTS = 4;
export const WINDOW_MS = 3 * 60 * 1000;

export type CrashDecision = { restart: true } | { restart: false; message: string };

export class CrashPolicy {
  private crashes: number[] = [];

  constructor(private readonly now: () => number = Date.now) {}

  /** The server's connection closed without a stop: restart it or not. */
  crashed(): CrashDecision {
    const t = this.now();
    this.crashes = this.crashes.filter((at) => t - at <= WINDOW_MS);
    this.crashes.push(t);
    if (this.crashes.length <= MAX_RESTARTS) return { restart: true };
    return {
      restart: false,
      message:
        `The Log Warden server stopped ${this.crashes.length} times in ${WINDOW_MS / 60_000} minutes and was not started again. ` +
        'The Output panel (Log Warden) shows why; "Log Warden: Restart Server" tries again.',
    };
  }

  /** The user restarted the server: earlier crashes are forgotten. */
  reset(): void {
    this.crashes = [];
  }

  /** Crashes counted in the current window (for tests and the output channel). */
  get recentCrashes(): number {
    return this.crashes.length;
  }
}
