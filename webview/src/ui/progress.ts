import { h } from '../dom';

/**
 * An indeterminate progress bar across the top of the panel, as VS Code's own views show.
 * (The toolkit's progress ring writes an inline style attribute, which the panel's CSP refuses.)
 */
export function progressBar(label: string): HTMLElement {
  const bar = h('div', 'progress-bar', undefined, { role: 'progressbar', 'aria-label': label });
  bar.append(h('div', 'progress-bar-runner'));
  return bar;
}
