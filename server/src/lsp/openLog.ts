import type { Diagnostic, TextDocumentContentChangeEvent } from 'vscode-languageserver/node';
import { DocumentAnalysis, type DocumentAnalysisOptions } from '../engine/documentAnalysis';
import type { FileReport } from '../engine/model';
import type { EffectiveSettings } from './settings';

/**
 * One log open in the editor: the document as `TextDocuments` tracks it (uri, version) and
 * its incremental analysis, which holds the lines — no second copy of the text is kept.
 */
export class OpenLog {
  readonly analysis: DocumentAnalysis;
  /** Settings the analysis runs with, and the settings generation they came from. */
  settings: EffectiveSettings | undefined;
  settingsGeneration = -1;
  private configKey = '';

  /** The diagnostics of the last report, the report and options they were made from, and their result id. */
  diagnostics: Diagnostic[] = [];
  diagnosticsFor: { report: FileReport; settings: EffectiveSettings } | undefined;
  resultId = '';
  /** The result id last pushed (push mode). */
  publishedResultId = '';
  /** The document version the last report describes. */
  reportVersion = -1;

  /** Rules whose failure has been logged for this document (each is logged once). */
  readonly reportedFailures = new Set<string>();
  /** Content changes received since the document was opened. */
  changeCount = 0;
  pushTimer: ReturnType<typeof setTimeout> | undefined;
  /** Cancelled when the document closes: stops its background analysis. */
  readonly closed = { isCancellationRequested: false };

  constructor(
    readonly uri: string,
    readonly languageId: string,
    public version: number,
    text: string,
    options: DocumentAnalysisOptions,
  ) {
    this.analysis = new DocumentAnalysis(text, options);
  }

  get lineCount(): number {
    return this.analysis.lineCount;
  }

  applyChanges(changes: readonly TextDocumentContentChangeEvent[], version: number): void {
    this.analysis.applyChanges(changes);
    this.version = version;
    this.changeCount++;
  }

  /** Applies settings; the analysis only restarts when the engine configuration really changed. */
  useSettings(settings: EffectiveSettings, generation: number): void {
    this.settings = settings;
    this.settingsGeneration = generation;
    const key = JSON.stringify(settings.config);
    if (key !== this.configKey) {
      this.configKey = key;
      try {
        this.analysis.setConfig(settings.config);
      } catch (err) {
        // An unknown forced format (a typo in .logwarden.json): detect it instead, and say so.
        settings.problems.push((err as Error).message);
        this.analysis.setConfig({ ...settings.config, format: undefined });
      }
    }
  }

  close(): void {
    this.closed.isCancellationRequested = true;
    if (this.pushTimer) clearTimeout(this.pushTimer);
    this.pushTimer = undefined;
  }
}
