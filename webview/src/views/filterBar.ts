import { RULES } from '../../../server/src/engine/rules';
import { h } from '../dom';
import type { FilterState, RuleId, TimeRange } from '../messages';
import { count } from '../model/format';
import { rangeLabel } from '../model/timelineGeometry';
import { button } from '../ui/button';
import { dropdown } from '../ui/dropdown';
import { textField } from '../ui/textField';

export interface FilterActions {
  setRule(rule: RuleId | ''): void;
  setText(text: string): void;
  clearTime(): void;
  clearAll(): void;
}

/** Rule and free-text filters, the time range picked on the timeline, and how many findings they leave. */
export class FilterBar {
  readonly element = h('div', 'filter-bar', undefined, { role: 'search' });
  private readonly rule = dropdown('Rule', (value) => this.actions.setRule(value as RuleId | ''), 'rule-filter');
  private readonly text = textField('Filter findings', 'Filter: source, user, text…', (value) => this.actions.setText(value), 'filter-text');
  private readonly timeChip = h('span', 'time-chip', undefined, { hidden: true });
  private readonly timeText = h('span', 'time-text');
  private readonly clearAllButton = button('Clear filters', { onClick: () => this.actions.clearAll(), title: 'Show every finding', className: 'clear-filters' });
  private readonly shown = h('span', 'shown-count', undefined, { 'aria-live': 'polite' });
  private ruleOptionsKey = '';

  constructor(private readonly actions: FilterActions) {
    const clearTime = h('button', 'chip-clear', '✕', { type: 'button', title: 'Clear the time filter', 'aria-label': 'Clear the time filter' });
    clearTime.addEventListener('click', () => this.actions.clearTime());
    this.timeChip.append(this.timeText, clearTime);
    this.element.append(this.rule.element, this.text.element, this.timeChip, this.clearAllButton.element, this.shown);
  }

  render(rules: readonly RuleId[], filters: FilterState, shown: number, total: number, offsetMinutes: number): void {
    // Rebuilt only when they change: the list must not flicker while the user types elsewhere.
    const key = `${rules.join(',')}|${filters.rule}`;
    if (key !== this.ruleOptionsKey) {
      this.ruleOptionsKey = key;
      this.rule.setOptions([{ value: '', label: 'All rules' }, ...rules.map((r) => ({ value: r, label: RULES[r]?.name ?? r }))], filters.rule);
    }
    if (this.text.value() !== filters.text) this.text.setValue(filters.text);
    this.renderTime(filters.time, offsetMinutes);
    const filtered = filters.severities.length > 0 || filters.rule !== '' || filters.text.trim() !== '' || filters.time !== null;
    this.clearAllButton.setDisabled(!filtered);
    this.shown.textContent = filtered ? `${count(shown)} of ${count(total)} shown` : `${count(total)} shown`;
  }

  focusText(): void {
    this.text.focus();
  }

  private renderTime(time: TimeRange | null, offsetMinutes: number): void {
    if (!time) {
      this.timeChip.setAttribute('hidden', '');
      return;
    }
    this.timeChip.removeAttribute('hidden');
    this.timeText.textContent = `Time ${rangeLabel(time, offsetMinutes)}`;
  }
}
