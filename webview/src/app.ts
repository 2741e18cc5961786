import { h, setText, setTitle } from './dom';
import {
  defaultPanelState,
  SEVERITY_ORDER,
  type Finding,
  type HostMessage,
  type PanelState,
  type ReportMessage,
  type RuleId,
  type Severity,
  type SortKey,
  type Timeline,
  type TimeRange,
} from './messages';
import { buildRows, filterRows, sortRows, type FindingRow } from './model/findingRows';
import { button } from './ui/button';
import { progressBar } from './ui/progress';
import { tabs, type Tabs } from './ui/tabs';
import type { PanelHost } from './vscodeApi';
import { DetailPane } from './views/detailPane';
import { FilterBar } from './views/filterBar';
import { FindingsTable } from './views/findingsTable';
import { HistoryView } from './views/historyView';
import { SummaryView } from './views/summary';
import { TimelineChart } from './views/timelineChart';

/** Columns whose first click sorts descending (bigger is more interesting). */
const DESCENDING_FIRST: readonly SortKey[] = ['severity', 'confidence'];

/**
 * The panel: holds the report, the timeline and the state (filters, sort, selection), and
 * renders the views from them. Every change of state is saved with setState so that hiding
 * the panel or reloading the window brings it back as it was.
 */
export class ResultsApp {
  private state: PanelState;
  private report: ReportMessage | null = null;
  private timeline: Timeline | null = null;
  private rows: FindingRow[] = [];
  private shown: FindingRow[] = [];
  private saveTimer = 0;

  private readonly title = h('h1', 'file-name', 'Log Warden');
  private readonly busy = h('div', 'busy', undefined, { hidden: true, role: 'status' });
  private readonly busyText = h('span');
  private readonly notice = h('div', 'notice', undefined, { hidden: true, role: 'alert' });
  private readonly summary: SummaryView;
  private readonly timelineChart: TimelineChart;
  private readonly filterBar: FilterBar;
  private readonly table: FindingsTable;
  private readonly detail: DetailPane;
  private readonly history: HistoryView;
  private readonly views: Tabs;
  private readonly main = h('div', 'main');
  private readonly exportButtons = (['sarif', 'csv', 'json'] as const).map((format) =>
    button(format.toUpperCase(), { onClick: () => this.host.post({ type: 'export', format }), title: `Export the report as ${format.toUpperCase()}…`, className: 'export-button' }),
  );
  private readonly refreshButton = button('Refresh', { onClick: () => this.host.post({ type: 'refresh' }), title: 'Analyse the log again', className: 'refresh-button' });

  constructor(
    root: HTMLElement,
    private readonly host: PanelHost,
  ) {
    this.state = host.loadState();
    this.summary = new SummaryView({
      toggleSeverity: (severity, on) => this.toggleSeverity(severity, on),
      pickRule: (rule) => this.setFilters({ rule }),
    });
    this.timelineChart = new TimelineChart((range) => this.pickTime(range));
    this.filterBar = new FilterBar({
      setRule: (rule) => this.setFilters({ rule }),
      setText: (text) => this.setFilters({ text }),
      clearTime: () => this.setFilters({ time: null }),
      clearAll: () => this.setFilters({ severities: [], rule: '', text: '', time: null }),
    });
    this.table = new FindingsTable({
      sortBy: (key) => this.sortBy(key),
      select: (row, reveal, focus) => this.select(row.finding, reveal, focus),
      scrolled: (top) => {
        this.state.scrollTop = top;
        this.saveSoon();
      },
    });
    this.detail = new DetailPane({
      reveal: (line, focus) => this.host.post({ type: 'reveal', line, focus }),
      openTechnique: (technique) => this.host.post({ type: 'openTechnique', technique }),
      suppress: (action, finding) => this.host.post({ type: 'suppress', action, fingerprint: finding.fingerprint }),
    });

    this.history = new HistoryView({
      open: (entry) => this.host.post({ type: 'openAnalysis', analysis: { folder: entry.folder, id: entry.id } }),
      compare: (from, to) => this.host.post({ type: 'compareAnalyses', from: { folder: from.folder, id: from.id }, to: { folder: to.folder, id: to.id } }),
      clear: () => this.host.post({ type: 'clearHistory' }),
    });

    const header = h('header', 'header');
    const actions = h('div', 'actions');
    actions.append(this.refreshButton.element, h('span', 'export-label', 'Export:'), ...this.exportButtons.map((b) => b.element));
    header.append(this.title, actions);
    this.busy.append(progressBar('Analysing'), this.busyText);

    const findingsView = h('div', 'findings-view');
    this.main.append(this.table.element, this.detail.element);
    findingsView.append(this.summary.element, this.timelineChart.element, this.filterBar.element, this.main);
    this.views = tabs(
      'Views',
      [
        { id: 'findings', label: 'Findings', content: findingsView },
        { id: 'history', label: 'History', content: this.history.element },
      ],
      this.state.view,
      (id) => {
        if (id === 'findings' || id === 'history') this.state.view = id;
        this.save();
      },
    );
    root.append(header, this.busy, this.notice, this.views.element);
    this.setEnabled(false);
    this.table.render([], null, this.state.sort, 'Waiting for the analysis…');
    document.addEventListener('keydown', (event) => {
      // Ctrl/Cmd+F: the filter field, as in VS Code's own lists.
      if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 'f') {
        event.preventDefault();
        this.filterBar.focusText();
      }
    });
  }

  receive(message: HostMessage): void {
    switch (message.type) {
      case 'report':
        this.showReport(message);
        break;
      case 'timeline':
        if (this.report && message.uri === this.report.uri) {
          this.timeline = message.timeline;
          this.rows = buildRows(this.report.report.findings, this.timeline);
          this.update();
        }
        break;
      case 'busy':
        if (message.message === null) this.busy.setAttribute('hidden', '');
        else {
          setText(this.busyText, message.message);
          this.busy.removeAttribute('hidden');
        }
        break;
      case 'notice':
        setText(this.notice, message.message);
        this.notice.className = `notice ${message.level}`;
        this.notice.removeAttribute('hidden');
        break;
      case 'evidence':
        this.detail.evidence(message);
        break;
      case 'showView':
        this.state.view = message.view;
        this.views.select(message.view);
        this.save();
        break;
      case 'history':
        this.history.list(message);
        break;
      case 'historyAnalysis':
        this.history.showAnalysis(message);
        break;
      case 'historyComparison':
        this.history.showComparison(message);
        break;
    }
  }

  private showReport(message: ReportMessage): void {
    const sameLog = this.state.uri === message.uri;
    if (!sameLog) {
      // Another log: its own filters, from the top (the sort is a preference and stays).
      const fresh = defaultPanelState(message.uri);
      this.state = { ...fresh, sort: this.state.sort, view: this.state.view };
    }
    const firstReport = this.report === null;
    if (!this.report || this.report.uri !== message.uri) this.timeline = null;
    this.report = message;
    setText(this.title, message.fileName);
    setTitle(this.title, message.uri);
    this.notice.setAttribute('hidden', '');
    this.rows = buildRows(message.report.findings, this.timeline);
    this.setEnabled(true);
    if (this.state.selected && !message.report.findings.some((f) => f.fingerprint === this.state.selected)) this.state.selected = null;
    this.update();
    if (firstReport && sameLog) this.table.setScrollTop(this.state.scrollTop);
    else if (!sameLog) this.table.setScrollTop(0);
    // The finding may have changed (new evidence, new confidence): its details are drawn again.
    this.detail.showNothing();
    const selected = this.selectedFinding();
    if (selected) this.select(selected, false, false);
    this.save();
  }

  private update(): void {
    const report = this.report;
    if (!report) return;
    const { filters, sort } = this.state;
    this.shown = sortRows(filterRows(this.rows, filters), sort);
    const rules = [...new Set(report.report.findings.map((f) => f.rule))].sort() as RuleId[];
    this.summary.render(report.report, filters.severities, filters.rule);
    this.timelineChart.render(this.timeline, report.report.findings, filters.time);
    this.filterBar.render(rules, filters, this.shown.length, this.rows.length, this.timeline?.offsetMinutes ?? 0);
    const empty = this.rows.length === 0 ? 'No findings in this log.' : 'No finding matches the filters.';
    this.table.render(this.shown, this.state.selected, sort, empty);
    // A short list leaves the room under it to the detail pane (when they are stacked).
    this.main.style.setProperty('--table-content', `${this.table.contentHeight()}px`);
  }

  private setFilters(change: Partial<PanelState['filters']>): void {
    this.state.filters = { ...this.state.filters, ...change };
    this.update();
    this.save();
  }

  private toggleSeverity(severity: Severity, on: boolean): void {
    const current = this.state.filters.severities.length === 0 ? [...SEVERITY_ORDER] : [...this.state.filters.severities];
    const next = SEVERITY_ORDER.filter((s) => (s === severity ? on : current.includes(s)));
    // All four ticked is the same as no severity filter.
    this.setFilters({ severities: next.length === SEVERITY_ORDER.length ? [] : next });
  }

  private pickTime(range: TimeRange): void {
    const current = this.state.filters.time;
    const same = current && current.from === range.from && current.to === range.to;
    this.setFilters({ time: same ? null : range });
  }

  private sortBy(key: SortKey): void {
    const { sort } = this.state;
    this.state.sort = sort.key === key ? { key, descending: !sort.descending } : { key, descending: DESCENDING_FIRST.includes(key) };
    this.update();
    this.save();
  }

  private select(finding: Finding, reveal: boolean, focus: boolean): void {
    this.state.selected = finding.fingerprint;
    this.table.render(this.shown, finding.fingerprint, this.state.sort, '');
    this.table.showSelected();
    if (this.detail.showing !== finding.fingerprint) {
      this.detail.show(finding);
      this.host.post({ type: 'requestEvidence', fingerprint: finding.fingerprint });
    }
    if (reveal) this.host.post({ type: 'reveal', line: finding.line, focus });
    this.save();
  }

  private selectedFinding(): Finding | undefined {
    const id = this.state.selected;
    return id ? this.report?.report.findings.find((f) => f.fingerprint === id) : undefined;
  }

  private setEnabled(enabled: boolean): void {
    for (const b of this.exportButtons) b.setDisabled(!enabled);
    this.refreshButton.setDisabled(!enabled);
  }

  private save(): void {
    window.clearTimeout(this.saveTimer);
    this.saveTimer = 0;
    this.host.saveState(this.state);
  }

  /** Scrolling saves at most a few times a second. */
  private saveSoon(): void {
    if (this.saveTimer) return;
    this.saveTimer = window.setTimeout(() => this.save(), 250);
  }
}
