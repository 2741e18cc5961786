/**
 * What the engine needs of a cancellation token. The language server's tokens fit as they
 * are; the engine never imports them.
 */
export interface CancellationToken {
  readonly isCancellationRequested: boolean;
}

/** A token that is never cancelled (CLI, tests). */
export const NEVER_CANCELLED: CancellationToken = Object.freeze({ isCancellationRequested: false });

/** Cancelled as soon as any of the given tokens is. */
export function anyCancelled(...tokens: (CancellationToken | undefined)[]): CancellationToken {
  const present = tokens.filter((t): t is CancellationToken => t !== undefined);
  return {
    get isCancellationRequested() {
      return present.some((t) => t.isCancellationRequested);
    },
  };
}

/**
 * Lets queued messages (a cancellation, the next edit) run between chunks of a long loop.
 * `setImmediate` runs after pending I/O, unlike a resolved promise; browsers lack it.
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => {
    if (typeof setImmediate === 'function') setImmediate(resolve);
    else setTimeout(resolve, 0);
  });
}
