/**
 * Which rows of a long list to put in the DOM: only those in view (plus a few on each side),
 * each row of one fixed height, inside a spacer as tall as the whole list. Ten thousand
 * findings then cost the DOM some forty rows.
 */
export interface VirtualWindow {
  /** First row rendered (index into the list). */
  first: number;
  /** One past the last row rendered. */
  end: number;
  /** Pixels from the top of the list to the first rendered row. */
  offset: number;
  /** Height of the whole list in pixels (the spacer). */
  height: number;
}

export function virtualWindow(scrollTop: number, viewportHeight: number, rowHeight: number, rowCount: number, overscan = 8): VirtualWindow {
  const height = rowCount * rowHeight;
  if (rowCount === 0 || rowHeight <= 0) return { first: 0, end: 0, offset: 0, height: Math.max(0, height) };
  const top = Math.min(Math.max(0, scrollTop), Math.max(0, height - viewportHeight));
  const firstVisible = Math.floor(top / rowHeight);
  const lastVisible = Math.ceil((top + Math.max(0, viewportHeight)) / rowHeight);
  const first = Math.max(0, firstVisible - overscan);
  const end = Math.min(rowCount, lastVisible + overscan);
  return { first, end, offset: first * rowHeight, height };
}

/** The scrollTop that brings a row fully into view, moving as little as possible. */
export function scrollTopToShow(index: number, scrollTop: number, viewportHeight: number, rowHeight: number): number {
  const top = index * rowHeight;
  const bottom = top + rowHeight;
  if (top < scrollTop) return top;
  if (bottom > scrollTop + viewportHeight) return Math.max(0, bottom - viewportHeight);
  return scrollTop;
}
