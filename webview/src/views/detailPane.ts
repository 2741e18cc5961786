import { attackUrl, RULES } from '../../../server/src/engine/rules';
import { h } from '../dom';
import type { EvidenceMessage, Finding, SuppressAction } from '../messages';
import { TECHNIQUE_ID } from '../messages';
import { count, percent } from '../model/format';
import { NEXT_STEPS } from '../model/nextSteps';
import { button } from '../ui/button';

export interface DetailActions {
  reveal(line: number, focus: boolean): void;
  openTechnique(technique: string): void;
  suppress(action: SuppressAction, finding: Finding): void;
}

/** Evidence lines listed at most (the host sends no more). */
export const EVIDENCE_SHOWN = 50;

/**
 * The selected finding in full: its message, the facts and numbers behind it, its evidence
 * lines (each shows its line in the editor), the ATT&CK techniques, a suggested next step and
 * the suppress actions. ATT&CK links are buttons: the extension opens the page in the browser,
 * the panel itself never navigates.
 */
export class DetailPane {
  readonly element = h('aside', 'detail', undefined, { 'aria-label': 'Finding details' });
  private finding: Finding | null = null;
  private evidenceList: HTMLElement | null = null;

  constructor(private readonly actions: DetailActions) {
    this.showNothing();
  }

  /** Fingerprint of the finding shown, if any. */
  get showing(): string | null {
    return this.finding?.fingerprint ?? null;
  }

  showNothing(): void {
    this.finding = null;
    this.evidenceList = null;
    this.element.replaceChildren(h('p', 'placeholder', 'Select a finding to see its evidence, the ATT&CK technique and what to do next.'));
  }

  show(f: Finding): void {
    this.finding = f;
    const rule = RULES[f.rule];
    const heading = h('div', 'detail-heading');
    heading.append(h('span', `sev-badge sev-${f.severity}`, f.severity), h('h2', 'detail-title', f.title));
    const message = h('p', 'detail-message', f.message);

    const facts = h('dl', 'facts-list');
    const fact = (term: string, value: string): void => {
      facts.append(h('dt', undefined, term), h('dd', undefined, value));
    };
    fact('Rule', rule ? `${rule.name} (${f.rule})` : f.rule);
    if (f.source) fact('Source', f.source);
    if (f.user) fact('User', f.user);
    fact('Confidence', `${percent(f.confidence)} (${f.severity})`);
    fact('First line', String(f.line));
    fact('Evidence lines', count(f.lines.length));

    const techniques = h('div', 'techniques');
    const valid = f.attack.filter((t) => TECHNIQUE_ID.test(t));
    if (valid.length === 0) techniques.append(h('span', 'muted', 'No ATT&CK technique for this rule.'));
    for (const technique of valid) {
      const link = h('button', 'link', `${technique} ↗`, { type: 'button', title: `Open ${attackUrl(technique)} in the browser` });
      link.addEventListener('click', () => this.actions.openTechnique(technique));
      techniques.append(link);
    }

    const evidence = h('dl', 'evidence-values');
    for (const [key, value] of Object.entries(f.evidence)) {
      evidence.append(h('dt', undefined, key), h('dd', undefined, Array.isArray(value) ? value.join(', ') : String(value)));
    }

    this.evidenceList = h('ol', 'evidence-lines', undefined, { 'aria-label': 'Evidence lines' });
    this.renderEvidence(f.lines.slice(0, EVIDENCE_SHOWN).map((line) => ({ line, text: '' })), Math.max(0, f.lines.length - EVIDENCE_SHOWN), false);

    const suppress = h('div', 'suppress-actions');
    suppress.append(button('Suppress this finding', { onClick: () => this.actions.suppress('finding', f), title: 'Add its fingerprint to .logwarden.json', className: 'suppress-finding' }).element);
    if (f.source) {
      suppress.append(
        button(`Suppress ${f.rule} for ${f.source}`, { onClick: () => this.actions.suppress('rule-for-source', f), title: 'Add a rule + source suppression to .logwarden.json', className: 'suppress-rule-for-source' }).element,
        button(`Allowlist ${f.source}`, { onClick: () => this.actions.suppress('allowlist-source', f), title: 'Add the source to the allowlist of .logwarden.json', className: 'allowlist-source' }).element,
      );
    }

    this.element.replaceChildren(
      heading,
      message,
      facts,
      section('ATT&CK', techniques),
      section('Suggested next step', h('p', 'next-step', NEXT_STEPS[f.rule] ?? 'Review the evidence lines.')),
      section('Evidence lines', this.evidenceList),
      section('Evidence', evidence),
      section('Suppress', suppress),
    );
  }

  /** The text of the evidence lines arrived from the extension. */
  evidence(message: EvidenceMessage): void {
    if (!this.finding || message.fingerprint !== this.finding.fingerprint) return;
    this.renderEvidence(message.lines, message.omitted, true);
  }

  private renderEvidence(lines: readonly { line: number; text: string }[], omitted: number, loaded: boolean): void {
    const list = this.evidenceList;
    if (!list) return;
    list.replaceChildren(
      ...lines.map(({ line, text }) => {
        const item = h('li');
        const open = h('button', 'evidence-line', undefined, { type: 'button', title: `Show line ${line} in the editor (double-click: and go there)` });
        open.append(h('span', 'line-number', String(line)), h('code', 'line-text', loaded ? text : '…'));
        open.addEventListener('click', () => this.actions.reveal(line, false));
        open.addEventListener('dblclick', () => this.actions.reveal(line, true));
        item.append(open);
        return item;
      }),
    );
    if (omitted > 0) list.append(h('li', 'muted', `… and ${count(omitted)} more`));
  }
}

function section(title: string, body: HTMLElement): HTMLElement {
  const element = h('section', 'detail-section');
  element.append(h('h3', undefined, title), body);
  return element;
}
