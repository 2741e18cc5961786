import * as assert from 'node:assert/strict';
import { scrollTopToShow, virtualWindow } from '../../../webview/src/model/virtualWindow';

describe('panel: virtual window of the table', () => {
  it('renders the rows in view plus the overscan, within the list', () => {
    // 10,000 rows of 44 px in a 440 px viewport scrolled to row 100.
    const win = virtualWindow(100 * 44, 440, 44, 10_000, 8);
    assert.deepEqual(win, { first: 92, end: 118, offset: 92 * 44, height: 440_000 });
    assert.deepEqual(virtualWindow(0, 440, 44, 10_000, 8), { first: 0, end: 18, offset: 0, height: 440_000 });
  });

  it('clamps a scroll position past the end (the list shrank under a filter)', () => {
    const win = virtualWindow(1_000_000, 440, 44, 50, 8);
    assert.equal(win.end, 50);
    assert.equal(win.first, 50 - 10 - 8);
    assert.equal(win.height, 2200);
  });

  it('handles partial rows, an empty list, and a list shorter than the viewport', () => {
    assert.deepEqual(virtualWindow(22, 100, 44, 1000, 0), { first: 0, end: 3, offset: 0, height: 44_000 });
    assert.deepEqual(virtualWindow(0, 440, 44, 0), { first: 0, end: 0, offset: 0, height: 0 });
    assert.deepEqual(virtualWindow(0, 440, 44, 3, 8), { first: 0, end: 3, offset: 0, height: 132 });
  });

  it('never renders more than the viewport and overscan allow, whatever the list size', () => {
    for (const n of [10, 1000, 100_000, 1_000_000]) {
      for (const top of [0, 12_345, 9e9]) {
        const win = virtualWindow(top, 600, 44, n, 8);
        assert.ok(win.end - win.first <= Math.ceil(600 / 44) + 1 + 16, `${n} rows at ${top}: ${win.end - win.first} rendered`);
        assert.ok(win.first >= 0 && win.end <= n && win.first <= win.end);
      }
    }
  });

  it('scrolls as little as needed to show a row', () => {
    assert.equal(scrollTopToShow(5, 0, 440, 44), 0, 'already in view');
    assert.equal(scrollTopToShow(20, 0, 440, 44), 21 * 44 - 440, 'below: to the bottom edge');
    assert.equal(scrollTopToShow(3, 1000, 440, 44), 132, 'above: to the top edge');
  });
});
