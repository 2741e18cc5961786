import { h } from '../dom';

export interface Checkbox {
  element: HTMLElement;
  setChecked(checked: boolean): void;
  setLabel(label: string): void;
}

/** A checkbox with a text label; `onChange` gets the new state. */
export function checkbox(label: string, onChange: (checked: boolean) => void, className?: string): Checkbox {
  const element = h('vscode-checkbox', className, label);
  const box = element as unknown as { checked: boolean };
  // The component fires `change` for programmatic changes too; only the user's count.
  let settingIt = false;
  element.addEventListener('change', () => {
    if (!settingIt) onChange(box.checked);
  });
  return {
    element,
    setChecked(checked) {
      if (box.checked === checked) return;
      settingIt = true;
      box.checked = checked;
      settingIt = false;
    },
    setLabel: (text) => (element.textContent = text),
  };
}
