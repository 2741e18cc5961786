import { h } from '../dom';

export interface DropdownOption {
  value: string;
  label: string;
}

export interface Dropdown {
  element: HTMLElement;
  /** Replaces the options and selects `value` (the first option when it is not among them). */
  setOptions(options: readonly DropdownOption[], value: string): void;
  value(): string;
}

/** A single-choice dropdown; `onChange` gets the chosen value. */
export function dropdown(label: string, onChange: (value: string) => void, className?: string): Dropdown {
  const element = h('vscode-dropdown', className, undefined, { 'aria-label': label, title: label });
  element.addEventListener('change', () => onChange((element as unknown as { value: string }).value));
  return {
    element,
    setOptions(options, value) {
      const selected = options.some((o) => o.value === value) ? value : (options[0]?.value ?? '');
      // The component picks its value from the option marked selected when options change.
      element.replaceChildren(...options.map((o) => h('vscode-option', undefined, o.label, { value: o.value, selected: o.value === selected })));
      (element as unknown as { value: string }).value = selected;
    },
    value: () => (element as unknown as { value: string }).value,
  };
}
