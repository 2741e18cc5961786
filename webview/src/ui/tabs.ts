import { h } from '../dom';

export interface TabDefinition {
  id: string;
  label: string;
  content: HTMLElement;
}

export interface Tabs {
  element: HTMLElement;
  select(id: string): void;
}

/** Views under a row of tabs; `onChange` gets the id of the tab the user picked. */
export function tabs(label: string, definitions: readonly TabDefinition[], active: string, onChange: (id: string) => void): Tabs {
  const element = h('vscode-panels', 'tabs', undefined, { 'aria-label': label, activeid: `tab-${active}` });
  for (const d of definitions) element.append(h('vscode-panel-tab', undefined, d.label, { id: `tab-${d.id}` }));
  for (const d of definitions) {
    const view = h('vscode-panel-view', 'tab-view', undefined, { id: `view-${d.id}` });
    view.append(d.content);
    element.append(view);
  }
  element.addEventListener('change', (event) => {
    if (event.target !== element) return; // a change inside a view bubbles up too
    const id = (element as unknown as { activeid?: string }).activeid ?? '';
    if (id.startsWith('tab-')) onChange(id.slice(4));
  });
  return {
    element,
    select: (id) => element.setAttribute('activeid', `tab-${id}`),
  };
}
