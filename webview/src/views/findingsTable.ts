import { RULES } from '../../../server/src/engine/rules';
import { h, setText, setTitle } from '../dom';
import type { SortKey, SortState } from '../messages';
import type { FindingRow } from '../model/findingRows';
import { percent } from '../model/format';
import { scrollTopToShow, virtualWindow } from '../model/virtualWindow';

/** Every row is this tall (two lines of text); the window math depends on it. */
export const ROW_HEIGHT = 44;

const COLUMNS: { key: SortKey; label: string; className: string }[] = [
  { key: 'severity', label: 'Severity', className: 'col-severity' },
  { key: 'rule', label: 'Rule', className: 'col-rule' },
  { key: 'source', label: 'Source', className: 'col-source' },
  { key: 'description', label: 'Description', className: 'col-description' },
  { key: 'confidence', label: 'Confidence', className: 'col-confidence' },
  { key: 'line', label: 'Line', className: 'col-line' },
];

export interface TableActions {
  sortBy(key: SortKey): void;
  /** A row was picked (click or keys); `reveal` shows its line, `focus` moves the keyboard to the editor. */
  select(row: FindingRow, reveal: boolean, focus: boolean): void;
  scrolled(scrollTop: number): void;
}

interface RowElements {
  row: HTMLElement;
  change: HTMLElement;
  severity: HTMLElement;
  rule: HTMLElement;
  source: HTMLElement;
  title: HTMLElement;
  message: HTMLElement;
  percent: HTMLElement;
  fill: HTMLElement;
  line: HTMLElement;
}

/**
 * The anomaly table: a header of sort buttons over a scroller that holds only the rows in
 * view (fixed height, positioned by transform), so 10,000+ findings scroll as smoothly as ten.
 * Rows are reused as the window moves; every cell gets its text through textContent.
 */
export class FindingsTable {
  readonly element = h('div', 'findings-table', undefined, { role: 'grid', 'aria-label': 'Findings', 'aria-readonly': 'true' });
  private readonly header = h('div', 'table-header', undefined, { role: 'row', 'aria-rowindex': 1 });
  private readonly scroller = h('div', 'table-scroller', undefined, { tabindex: 0, 'aria-label': 'Findings; arrow keys move, Enter shows the line' });
  private readonly spacer = h('div', 'table-spacer');
  private readonly empty = h('div', 'table-empty', undefined, { hidden: true });
  private readonly pool: RowElements[] = [];
  private readonly headerButtons = new Map<SortKey, HTMLElement>();
  private rows: readonly FindingRow[] = [];
  private selected: string | null = null;
  private frame = 0;

  constructor(private readonly actions: TableActions) {
    for (const column of COLUMNS) {
      const cell = h('div', `cell ${column.className}`, undefined, { role: 'columnheader' });
      const sortButton = h('button', 'sort', column.label, { type: 'button', title: `Sort by ${column.label.toLowerCase()}` });
      sortButton.addEventListener('click', () => this.actions.sortBy(column.key));
      cell.append(sortButton);
      this.headerButtons.set(column.key, cell);
      this.header.append(cell);
    }
    this.element.style.setProperty('--row-height', `${ROW_HEIGHT}px`);
    this.scroller.append(this.spacer, this.empty);
    this.element.append(this.header, this.scroller);
    this.scroller.addEventListener('scroll', () => {
      this.schedule();
      this.actions.scrolled(this.scroller.scrollTop);
    });
    new ResizeObserver(() => this.schedule()).observe(this.scroller);
    this.spacer.addEventListener('click', (event) => this.pick(event, false));
    this.spacer.addEventListener('dblclick', (event) => this.pick(event, true));
    this.scroller.addEventListener('keydown', (event) => this.key(event));
  }

  /** New rows (filtered and sorted), the selection, and the sort shown in the header. */
  render(rows: readonly FindingRow[], selected: string | null, sort: SortState, emptyText: string): void {
    this.rows = rows;
    this.selected = selected;
    this.element.setAttribute('aria-rowcount', String(rows.length + 1));
    for (const [key, cell] of this.headerButtons) {
      cell.setAttribute('aria-sort', key === sort.key ? (sort.descending ? 'descending' : 'ascending') : 'none');
      cell.classList.toggle('sorted', key === sort.key);
      cell.classList.toggle('descending', key === sort.key && sort.descending);
    }
    if (rows.length === 0) {
      this.empty.textContent = emptyText;
      this.empty.removeAttribute('hidden');
    } else this.empty.setAttribute('hidden', '');
    this.draw();
  }

  /** Pixels the table needs to show every row (header, rows, borders), for the layout. */
  contentHeight(): number {
    return this.header.offsetHeight + Math.max(1, this.rows.length) * ROW_HEIGHT + 2;
  }

  /** Scrolls so that the selected row is in view. */
  showSelected(): void {
    const index = this.rows.findIndex((r) => r.finding.fingerprint === this.selected);
    if (index < 0) return;
    const top = scrollTopToShow(index, this.scroller.scrollTop, this.scroller.clientHeight, ROW_HEIGHT);
    if (top !== this.scroller.scrollTop) this.scroller.scrollTop = top;
    this.draw();
  }

  setScrollTop(top: number): void {
    this.scroller.scrollTop = top;
    this.draw();
  }

  focus(): void {
    this.scroller.focus();
  }

  private schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.draw();
    });
  }

  private draw(): void {
    const win = virtualWindow(this.scroller.scrollTop, this.scroller.clientHeight, ROW_HEIGHT, this.rows.length);
    this.spacer.style.height = `${win.height}px`;
    const needed = win.end - win.first;
    while (this.pool.length < needed) this.pool.push(this.createRow());
    for (let i = 0; i < this.pool.length; i++) {
      const elements = this.pool[i];
      if (i >= needed) {
        if (!elements.row.hidden) {
          elements.row.hidden = true;
          elements.row.classList.remove('selected');
          elements.row.removeAttribute('data-fingerprint');
          elements.row.removeAttribute('data-index');
        }
        continue;
      }
      const index = win.first + i;
      this.fill(elements, this.rows[index], index);
    }
  }

  private createRow(): RowElements {
    const row = h('div', 'row', undefined, { role: 'row' });
    const cell = (className: string): HTMLElement => h('div', `cell ${className}`, undefined, { role: 'gridcell' });
    const severityCell = cell('col-severity');
    const severity = h('span', 'sev-badge');
    // Shown in comparisons of recorded analyses only.
    const change = h('span', 'change-badge', undefined, { hidden: true });
    severityCell.append(change, severity);
    const rule = cell('col-rule');
    const source = cell('col-source');
    const description = cell('col-description');
    const title = h('div', 'title');
    const message = h('div', 'message');
    description.append(title, message);
    const confidence = cell('col-confidence');
    const percentText = h('span', 'percent');
    const bar = h('div', 'confidence-bar', undefined, { 'aria-hidden': 'true' });
    const fill = h('div', 'fill');
    bar.append(fill);
    confidence.append(percentText, bar);
    const line = cell('col-line');
    row.append(severityCell, rule, source, description, confidence, line);
    this.spacer.append(row);
    return { row, change, severity, rule, source, title, message, percent: percentText, fill, line };
  }

  private fill(e: RowElements, row: FindingRow, index: number): void {
    const f = row.finding;
    e.row.hidden = false;
    e.row.style.transform = `translateY(${index * ROW_HEIGHT}px)`;
    e.row.setAttribute('aria-rowindex', String(index + 2));
    e.row.setAttribute('data-index', String(index));
    e.row.setAttribute('data-fingerprint', f.fingerprint);
    const selected = f.fingerprint === this.selected;
    e.row.setAttribute('aria-selected', selected ? 'true' : 'false');
    e.row.classList.toggle('selected', selected);
    if (row.change) {
      e.change.textContent = row.change;
      e.change.className = `change-badge change-${row.change}`;
      e.change.hidden = false;
    } else if (!e.change.hidden) e.change.hidden = true;
    e.row.setAttribute('data-change', row.change ?? '');
    e.severity.textContent = f.severity;
    e.severity.className = `sev-badge sev-${f.severity}`;
    setText(e.rule, RULES[f.rule]?.name ?? f.rule);
    setTitle(e.rule, f.rule);
    setText(e.source, f.source ?? f.user ?? '—');
    setTitle(e.source, f.user && f.source ? `${f.source} (user ${f.user})` : (f.source ?? f.user ?? ''));
    setText(e.title, f.title);
    setText(e.message, f.message);
    setTitle(e.title.parentElement!, `${f.title}\n${f.message}`);
    e.percent.textContent = percent(f.confidence);
    e.fill.style.width = percent(f.confidence);
    e.fill.className = `fill sev-${f.severity}`;
    e.line.textContent = String(f.line);
  }

  private pick(event: MouseEvent, focus: boolean): void {
    const row = (event.target as Element | null)?.closest('.row');
    const index = Number(row?.getAttribute('data-index'));
    if (!row || !Number.isInteger(index) || !this.rows[index]) return;
    this.actions.select(this.rows[index], true, focus);
  }

  private key(event: KeyboardEvent): void {
    if (this.rows.length === 0) return;
    const current = this.rows.findIndex((r) => r.finding.fingerprint === this.selected);
    const page = Math.max(1, Math.floor(this.scroller.clientHeight / ROW_HEIGHT) - 1);
    let next = current;
    switch (event.key) {
      case 'ArrowDown':
        next = current < 0 ? 0 : Math.min(this.rows.length - 1, current + 1);
        break;
      case 'ArrowUp':
        next = current < 0 ? 0 : Math.max(0, current - 1);
        break;
      case 'PageDown':
        next = Math.min(this.rows.length - 1, Math.max(0, current) + page);
        break;
      case 'PageUp':
        next = Math.max(0, Math.max(0, current) - page);
        break;
      case 'Home':
        next = 0;
        break;
      case 'End':
        next = this.rows.length - 1;
        break;
      case 'Enter':
        if (current >= 0) this.actions.select(this.rows[current], true, true);
        event.preventDefault();
        return;
      default:
        return;
    }
    event.preventDefault();
    if (next !== current && this.rows[next]) this.actions.select(this.rows[next], true, false);
  }
}
