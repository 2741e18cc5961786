/**
 * The only ways this panel puts things in the DOM. Log text is attacker-controlled, so text
 * goes in as text nodes (`textContent`), never as markup; attributes are set one by one, and
 * only ones that cannot run code or load anything (no `on*`, `href`, `src`, `style`). There is
 * no innerHTML anywhere in the panel's own code, and the CSP's Trusted Types rule makes the
 * browser refuse one.
 */

/**
 * Bidirectional controls (U+202A–U+202E, U+2066–U+2069, LRM/RLM/ALM) would reorder the text
 * around them: "gpj.exe" can be made to read "exe.jpg". They are shown as visible escapes,
 * as VS Code's editor highlights them.
 */
const BIDI_CONTROLS = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;

/** Text as the panel shows it: bidi controls made visible, everything else unchanged. */
export function displayText(text: string): string {
  return text.replace(BIDI_CONTROLS, (c) => `[U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}]`);
}

const SAFE_ATTRIBUTE = /^(?:aria-[a-z]+|role|tabindex|title|id|for|name|type|value|placeholder|appearance|data-[a-z-]+|slot|activeid|selected|checked|disabled|hidden|lang|dir|viewBox|x|y|x1|x2|y1|y2|width|height|rx|ry|cx|cy|r|points|d|transform|preserveAspectRatio|focusable|text-anchor)$/;

export type Attributes = Record<string, string | number | boolean | undefined>;

/** An element with a class, optional text (as text) and safe attributes. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string, attributes?: Attributes): HTMLElementTagNameMap[K];
export function h(tag: string, className?: string, text?: string, attributes?: Attributes): HTMLElement;
export function h(tag: string, className?: string, text?: string, attributes?: Attributes): HTMLElement {
  const element = document.createElement(tag);
  if (className) element.className = className;
  if (text !== undefined) element.textContent = displayText(text);
  if (attributes) setAttributes(element, attributes);
  return element;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

/** An SVG element with a class and safe (geometry) attributes. */
export function svg<K extends keyof SVGElementTagNameMap>(tag: K, className?: string, attributes?: Attributes): SVGElementTagNameMap[K] {
  const element = document.createElementNS(SVG_NS, tag);
  if (className) element.setAttribute('class', className);
  if (attributes) setAttributes(element, attributes);
  return element;
}

/** Sets attributes from the safe list; false/undefined removes one. Anything else is a bug, and throws. */
export function setAttributes(element: Element, attributes: Attributes): void {
  for (const [name, value] of Object.entries(attributes)) {
    if (!SAFE_ATTRIBUTE.test(name)) throw new Error(`attribute ${name} is not allowed in the panel`);
    if (value === undefined || value === false) element.removeAttribute(name);
    else element.setAttribute(name, value === true ? '' : displayText(String(value)));
  }
}

/** Replaces an element's children with text. */
export function setText(element: Element, text: string): void {
  element.textContent = displayText(text);
}

/** Sets an element's tooltip. */
export function setTitle(element: Element, text: string): void {
  element.setAttribute('title', displayText(text));
}

export function clear(element: Element): void {
  element.replaceChildren();
}
