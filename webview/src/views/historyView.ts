import { h, setText, setTitle } from '../dom';
import {
  analysisKey,
  DEFAULT_SORT,
  SEVERITY_ORDER,
  type HistoryAnalysisMessage,
  type HistoryComparisonMessage,
  type HistoryEntry,
  type HistoryMessage,
  type SortKey,
  type SortState,
} from '../messages';
import { buildRows, sortRows, type FindingRow } from '../model/findingRows';
import { count, dateTime, plural } from '../model/format';
import {
  CHANGE_ORDER,
  comparePair,
  comparisonRows,
  countChanges,
  keepListed,
  severitySummary,
  sortAnalyses,
  sortComparisonRows,
  toggleCompareSelection,
  type ChangeKind,
  type ComparisonRow,
} from '../model/historyRows';
import { button } from '../ui/button';
import { FindingsTable } from './findingsTable';

export interface HistoryActions {
  open(entry: HistoryEntry): void;
  compare(from: HistoryEntry, to: HistoryEntry): void;
  clear(): void;
}

/** Columns whose first click sorts descending (bigger is more interesting), as in the findings view. */
const DESCENDING_FIRST: readonly SortKey[] = ['severity', 'confidence'];

type Shown =
  | { kind: 'none' }
  | { kind: 'analysis'; key: string; message: HistoryAnalysisMessage; rows: FindingRow[] }
  | { kind: 'comparison'; keys: [string, string]; message: HistoryComparisonMessage; rows: ComparisonRow[] };

/**
 * The analysis history of the workspace: recorded analyses newest first (file, origin, lines,
 * findings per severity); "Open" shows one analysis's findings as they were recorded
 * (read-only); ticking two and "Compare" shows which findings are new, resolved or unchanged.
 * Every value from the history (paths, finding text) goes in as text.
 */
export class HistoryView {
  readonly element = h('div', 'history-view');
  private readonly status = h('span', 'history-status', undefined, { 'aria-live': 'polite' });
  private readonly compareButton = button('Compare', { onClick: () => this.compareSelected(), title: 'Tick two analyses to compare their findings', className: 'compare-button', appearance: 'primary' });
  private readonly clearButton = button('Clear History…', { onClick: () => this.actions.clear(), title: 'Delete the recorded analyses of this workspace (asks first)', className: 'clear-history' });
  private readonly empty = h('p', 'history-empty placeholder', undefined, { hidden: true });
  private readonly listScroller = h('div', 'history-list-scroller');
  private readonly listBody = h('tbody');
  private readonly detail = h('section', 'history-detail', undefined, { 'aria-label': 'Recorded analysis', hidden: true });
  private readonly detailHeading = h('h2', 'history-detail-title');
  private readonly detailFacts = h('p', 'history-detail-facts');
  private readonly changeChips = h('div', 'change-chips', undefined, { role: 'group', 'aria-label': 'Changes shown' });
  /** Made when the first analysis is opened: a view nobody opens costs no table. */
  private tableView: FindingsTable | undefined;

  private entries: HistoryEntry[] = [];
  private selected: string[] = [];
  private shown: Shown = { kind: 'none' };
  private sort: SortState = { ...DEFAULT_SORT };
  private changes: ChangeKind[] = [];
  private selectedFinding: string | null = null;
  private tableRows: FindingRow[] = [];
  /** The compare tick box of each listed analysis. */
  private readonly ticks = new Map<string, HTMLElement>();

  constructor(private readonly actions: HistoryActions) {
    const toolbar = h('div', 'history-toolbar');
    toolbar.append(this.compareButton.element, this.clearButton.element, this.status);
    const table = h('table', 'history-list', undefined, { 'aria-label': 'Recorded analyses, newest first' });
    const head = h('tr');
    // Open beside the tick box: a narrow panel scrolls the list sideways, and the actions stay in view.
    for (const [label, className] of [
      ['', 'hcol-pick'],
      ['', 'hcol-open'],
      ['Time', 'hcol-time'],
      ['File', 'hcol-file'],
      ['Origin', 'hcol-origin'],
      ['Lines', 'hcol-num'],
      ...SEVERITY_ORDER.map((s) => [s, `hcol-num sev-head sev-${s}`]),
    ]) {
      head.append(h('th', className, label));
    }
    head.firstElementChild?.setAttribute('title', 'Tick two analyses, then Compare');
    const thead = h('thead');
    thead.append(head);
    table.append(thead, this.listBody);
    this.listScroller.append(table);
    const heading = h('div', 'history-detail-heading');
    heading.append(this.detailHeading, h('span', 'read-only-mark', 'read-only', { title: 'The findings as they were recorded; nothing here changes the log or its settings' }));
    this.detail.append(heading, this.detailFacts, this.changeChips);
    this.element.append(toolbar, this.empty, this.listScroller, this.detail);
    this.renderList({ type: 'history', available: true, analyses: [], total: 0 }, 'Waiting for the history…');
  }

  /** A new list of analyses (first load, an analysis recorded, analyses cleared). */
  list(message: HistoryMessage): void {
    this.renderList(message);
  }

  showAnalysis(message: HistoryAnalysisMessage): void {
    const key = analysisKey(message.analysis);
    if (!this.entries.some((e) => analysisKey(e) === key)) return; // cleared meanwhile
    this.shown = { kind: 'analysis', key, message, rows: buildRows(message.report.findings, null) };
    this.selectedFinding = null;
    this.changes = [];
    const a = message.analysis;
    setText(this.detailHeading, `#${a.id} ${a.file}`);
    setTitle(this.detailHeading, a.uri ?? a.file);
    const r = message.report;
    setText(
      this.detailFacts,
      `Recorded ${dateTime(a.time)} (${a.origin}) · ${r.format} · ${plural(r.lines, 'line')}, ${count(r.parsed)} parsed · ${plural(r.findings.length, 'finding')}: ${severitySummary(a.counts)}`,
    );
    this.changeChips.replaceChildren();
    this.changeChips.setAttribute('hidden', '');
    this.table.element.classList.remove('with-changes');
    this.detail.removeAttribute('hidden');
    this.markRows();
    this.renderTable();
    this.table.setScrollTop(0);
  }

  showComparison(message: HistoryComparisonMessage): void {
    const keys: [string, string] = [analysisKey(message.from), analysisKey(message.to)];
    if (!keys.every((k) => this.entries.some((e) => analysisKey(e) === k))) return;
    const rows = comparisonRows(message);
    this.shown = { kind: 'comparison', keys, message, rows };
    this.selectedFinding = null;
    this.changes = [];
    const { from, to } = message;
    const names = from.file === to.file ? from.file : `${from.file} → ${to.file}`;
    setText(this.detailHeading, `${names}: #${from.id} → #${to.id}`);
    setTitle(this.detailHeading, to.uri ?? to.file);
    const counts = countChanges(rows);
    setText(
      this.detailFacts,
      `From ${dateTime(from.time)} (${from.origin}, ${plural(from.lines, 'line')}) to ${dateTime(to.time)} (${to.origin}, ${plural(to.lines, 'line')}): ` +
        `${counts.new} new, ${counts.resolved} resolved, ${counts.unchanged} unchanged` +
        (counts['not-compared'] > 0 ? `, ${counts['not-compared']} not compared (their rule failed in one of the two analyses)` : ''),
    );
    this.changeChips.removeAttribute('hidden');
    this.table.element.classList.add('with-changes');
    this.detail.removeAttribute('hidden');
    this.markRows();
    this.renderChips();
    this.renderTable();
    this.table.setScrollTop(0);
  }

  private renderList(message: HistoryMessage, waiting?: string): void {
    this.entries = sortAnalyses(message.analyses);
    this.selected = keepListed(this.selected, this.entries);
    // What was shown goes when its analyses were deleted (history cleared, retention).
    const listed = new Set(this.entries.map(analysisKey));
    const shownKeys = this.shown.kind === 'analysis' ? [this.shown.key] : this.shown.kind === 'comparison' ? this.shown.keys : [];
    if (!shownKeys.every((k) => listed.has(k))) this.hideDetail();

    const emptyText = waiting ?? (!message.available
      ? 'No analysis history in this window: it is kept per workspace, and no folder or workspace is open. Open a folder to keep one.'
      : 'No analyses recorded yet. Run "Log Warden: Analyze Log" on a log (or edit an open log) and its analysis appears here.');
    if (this.entries.length === 0) {
      setText(this.empty, emptyText);
      this.empty.removeAttribute('hidden');
      this.listScroller.setAttribute('hidden', '');
    } else {
      this.empty.setAttribute('hidden', '');
      this.listScroller.removeAttribute('hidden');
    }
    const more = message.total > this.entries.length ? ` (the newest ${count(this.entries.length)} listed)` : '';
    setText(this.status, waiting ? '' : `${count(message.total)} ${message.total === 1 ? 'analysis' : 'analyses'}${more}`);
    this.clearButton.setDisabled(!message.available || message.total === 0);
    this.ticks.clear();
    this.listBody.replaceChildren(...this.entries.map((e) => this.listRow(e)));
    this.markRows();
    this.updateCompareButton();
  }

  private listRow(e: HistoryEntry): HTMLElement {
    const key = analysisKey(e);
    const row = h('tr', 'history-row', undefined, { 'data-key': key, 'data-id': e.id, 'data-origin': e.origin });
    // Plain buttons here, not the toolkit's components: hundreds of rows of those take a second to
    // build. The tick box is a button in the checkbox role (no <input> in the page at all).
    const pick = h('button', 'pick-analysis', undefined, { type: 'button', role: 'checkbox', 'aria-checked': 'false', 'aria-label': `Compare analysis #${e.id} of ${e.file}` });
    pick.addEventListener('click', () => {
      this.selected = toggleCompareSelection(this.selected, key, !this.selected.includes(key));
      this.markRows();
      this.updateCompareButton();
    });
    const pickCell = h('td', 'hcol-pick');
    pickCell.append(pick);
    const file = h('td', 'hcol-file', e.file, { title: e.uri ?? e.file });
    if (e.error) file.append(h('span', 'report-error', ` · ${e.error}`));
    const open = h('button', 'open-analysis', 'Open', { type: 'button', title: `Show the findings of analysis #${e.id}` });
    open.addEventListener('click', () => this.actions.open(e));
    const openCell = h('td', 'hcol-open');
    openCell.append(open);
    row.append(
      pickCell,
      openCell,
      h('td', 'hcol-time', dateTime(e.time), { title: new Date(e.time).toISOString() }),
      file,
      h('td', 'hcol-origin', e.origin),
      h('td', 'hcol-num', count(e.lines)),
      ...SEVERITY_ORDER.map((s) => h('td', `hcol-num count-${s}${e.counts[s] > 0 ? ` sev-${s}` : ' zero'}`, count(e.counts[s]), { 'aria-label': `${e.counts[s]} ${s}` })),
    );
    // A double click anywhere on the row opens it too (the tick box and the button keep their own clicks).
    row.addEventListener('dblclick', (event) => {
      if (!(event.target as Element | null)?.closest('.hcol-pick, .hcol-open')) this.actions.open(e);
    });
    this.ticks.set(key, pick);
    return row;
  }

  /** Ticks, and which rows are open or compared. */
  private markRows(): void {
    const shownKeys = this.shown.kind === 'analysis' ? [this.shown.key] : this.shown.kind === 'comparison' ? this.shown.keys : [];
    for (const row of Array.from(this.listBody.children) as HTMLElement[]) {
      const key = row.getAttribute('data-key') ?? '';
      const ticked = this.selected.includes(key);
      row.setAttribute('aria-selected', ticked ? 'true' : 'false');
      row.classList.toggle('ticked', ticked);
      row.classList.toggle('shown', shownKeys.includes(key));
      this.ticks.get(key)?.setAttribute('aria-checked', ticked ? 'true' : 'false');
    }
  }

  private updateCompareButton(): void {
    const pair = comparePair(this.selected, this.entries);
    this.compareButton.setDisabled(!pair);
    const hint = this.selected.length === 2 ? 'Compare the two ticked analyses' : `Tick two analyses to compare them (${this.selected.length} ticked)`;
    setTitle(this.compareButton.element, hint);
  }

  private compareSelected(): void {
    const pair = comparePair(this.selected, this.entries);
    if (pair) this.actions.compare(pair.from, pair.to);
  }

  private hideDetail(): void {
    this.shown = { kind: 'none' };
    this.detail.setAttribute('hidden', '');
    this.tableRows = [];
    this.tableView?.render([], null, this.sort, '');
  }

  private renderChips(): void {
    if (this.shown.kind !== 'comparison') return;
    const counts = countChanges(this.shown.rows);
    this.changeChips.replaceChildren(
      // "not compared" only appears when a rule failed
      ...CHANGE_ORDER.filter((change) => change !== 'not-compared' || counts[change] > 0).map((change) => {
        const on = this.changes.length === 0 || this.changes.includes(change);
        const chip = h('button', `change-chip change-${change}`, `${change} ${count(counts[change])}`, {
          type: 'button',
          'aria-pressed': on ? 'true' : 'false',
          'data-change': change,
          title: this.changes.length === 1 && this.changes[0] === change ? 'Show every change' : `Show only ${change} findings`,
        });
        chip.addEventListener('click', () => {
          this.changes = this.changes.length === 1 && this.changes[0] === change ? [] : [change];
          this.renderChips();
          this.renderTable();
        });
        return chip;
      }),
    );
  }

  private renderTable(): void {
    let emptyText = '';
    if (this.shown.kind === 'analysis') {
      this.tableRows = sortRows(this.shown.rows, this.sort);
      emptyText = 'No findings in this analysis.';
    } else if (this.shown.kind === 'comparison') {
      this.tableRows = sortComparisonRows(this.shown.rows, this.sort, this.changes);
      emptyText = this.shown.rows.length === 0 ? 'No findings in either analysis.' : `No ${this.changes.join(', ')} findings.`;
    } else this.tableRows = [];
    this.table.render(this.tableRows, this.selectedFinding, this.sort, emptyText);
  }

  private get table(): FindingsTable {
    if (!this.tableView) {
      this.tableView = new FindingsTable({
        sortBy: (key) => this.sortBy(key),
        // Read-only: picking a row only marks it (the log may have changed since it was recorded).
        select: (row) => {
          this.selectedFinding = row.finding.fingerprint;
          this.renderTable();
        },
        scrolled: () => undefined,
      });
      this.tableView.element.setAttribute('aria-label', 'Recorded findings');
      this.detail.append(this.tableView.element);
    }
    return this.tableView;
  }

  private sortBy(key: SortKey): void {
    this.sort = this.sort.key === key ? { key, descending: !this.sort.descending } : { key, descending: DESCENDING_FIRST.includes(key) };
    this.renderTable();
  }
}
