import { h } from '../dom';

/**
 * A small count badge in the theme's badge colours. (The toolkit's badge writes an inline
 * style attribute, which the panel's CSP refuses; this one is styled by panel.css.)
 */
export function countBadge(count: number | string, label?: string): HTMLElement {
  return h('span', 'count-badge', String(count), label ? { 'aria-label': label, title: label } : undefined);
}
