import { sanitizePanelState, type PanelState, type WebviewMessage } from './messages';

/** What VS Code gives a webview script (once per page). */
interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

/** The panel's side of the channel to the extension: typed messages out, the saved state. */
export interface PanelHost {
  post(message: WebviewMessage): void;
  /** The state saved by the last `saveState` (or defaults), checked. */
  loadState(): PanelState;
  saveState(state: PanelState): void;
}

export function connectHost(): PanelHost {
  const api = acquireVsCodeApi();
  return {
    post: (message) => api.postMessage(message),
    loadState: () => sanitizePanelState(api.getState()),
    saveState: (state) => api.setState(state),
  };
}
