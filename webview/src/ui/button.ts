import { h } from '../dom';

export interface ButtonOptions {
  appearance?: 'primary' | 'secondary';
  /** Tooltip and accessible description. */
  title?: string;
  /** For the panel's stylesheet and tests (never the library's tag name). */
  className?: string;
  onClick: () => void;
}

export interface Button {
  element: HTMLElement;
  setLabel(label: string): void;
  setDisabled(disabled: boolean): void;
}

/** A text button in the theme's button colours. */
export function button(label: string, options: ButtonOptions): Button {
  const element = h('vscode-button', options.className, label, { appearance: options.appearance ?? 'secondary', title: options.title });
  element.addEventListener('click', () => {
    if (!element.hasAttribute('disabled')) options.onClick();
  });
  return {
    element,
    setLabel: (text) => (element.textContent = text),
    setDisabled: (disabled) => (disabled ? element.setAttribute('disabled', '') : element.removeAttribute('disabled')),
  };
}
