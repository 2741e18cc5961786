import { h } from '../dom';

export interface TextField {
  element: HTMLElement;
  value(): string;
  setValue(value: string): void;
  focus(): void;
}

/** A one-line text input; `onInput` runs on every edit. */
export function textField(label: string, placeholder: string, onInput: (value: string) => void, className?: string): TextField {
  const element = h('vscode-text-field', className, undefined, { placeholder, 'aria-label': label, title: label });
  const field = element as unknown as { value: string };
  element.addEventListener('input', () => onInput(field.value ?? ''));
  return {
    element,
    value: () => field.value ?? '',
    setValue: (value) => (field.value = value),
    focus: () => element.focus(),
  };
}
