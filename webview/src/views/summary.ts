import { RULES } from '../../../server/src/engine/rules';
import { h } from '../dom';
import type { FileReport, RuleId, Severity } from '../messages';
import { SEVERITY_ORDER } from '../messages';
import { countFindings } from '../model/findingRows';
import { count, duration, plural } from '../model/format';
import { countBadge } from '../ui/badge';
import { checkbox, type Checkbox } from '../ui/checkbox';

export interface SummaryActions {
  /** A severity box was (un)ticked. */
  toggleSeverity(severity: Severity, on: boolean): void;
  /** A rule's count was clicked: show only that rule ('' = all). */
  pickRule(rule: RuleId | ''): void;
}

/**
 * What the analysis found at a glance: findings per severity (ticking them filters the
 * table), per rule (clicking one filters to it), and how the log was read.
 */
export class SummaryView {
  readonly element = h('section', 'summary', undefined, { 'aria-label': 'Summary' });
  private readonly facts = h('p', 'facts');
  private readonly severityRow = h('div', 'severity-filters', undefined, { role: 'group', 'aria-label': 'Severities shown' });
  private readonly ruleRow = h('div', 'rule-counts', undefined, { role: 'group', 'aria-label': 'Findings per rule' });
  private readonly boxes = new Map<Severity, Checkbox>();

  constructor(private readonly actions: SummaryActions) {
    for (const severity of SEVERITY_ORDER) {
      const box = checkbox(severity, (on) => this.actions.toggleSeverity(severity, on), `sev-filter sev-${severity}`);
      box.element.setAttribute('data-severity', severity);
      this.boxes.set(severity, box);
      this.severityRow.append(box.element);
    }
    this.element.append(this.facts, this.severityRow, this.ruleRow);
  }

  render(report: FileReport, shownSeverities: readonly Severity[], rule: RuleId | ''): void {
    const { bySeverity, byRule } = countFindings(report.findings);
    this.facts.replaceChildren(
      h('strong', undefined, plural(report.findings.length, 'finding')),
      document.createTextNode(
        ` · ${report.format} · ${plural(report.lines, 'line')}, ${count(report.parsed)} parsed, ${count(report.skipped)} skipped · analysed in ${duration(report.durationMs)}`,
      ),
    );
    if (report.error) this.facts.append(h('span', 'report-error', ` · ${report.error}`));
    for (const severity of SEVERITY_ORDER) {
      const box = this.boxes.get(severity)!;
      box.setLabel(`${severity} ${count(bySeverity.get(severity) ?? 0)}`);
      box.setChecked(shownSeverities.length === 0 || shownSeverities.includes(severity));
    }
    const rules = [...byRule.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
    this.ruleRow.replaceChildren(
      ...rules.map(([id, n]) => {
        const info = RULES[id as RuleId];
        const chip = h('button', 'rule-chip', undefined, {
          type: 'button',
          'aria-pressed': rule === id ? 'true' : 'false',
          title: rule === id ? 'Show every rule' : `Show only ${info?.name ?? id}`,
          'data-rule': id,
        });
        chip.append(h('span', 'rule-name', info?.name ?? id), countBadge(n, `${n} ${info?.name ?? id} findings`));
        chip.addEventListener('click', () => this.actions.pickRule(rule === id ? '' : (id as RuleId)));
        return chip;
      }),
    );
  }
}
