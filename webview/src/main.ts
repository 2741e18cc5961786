/**
 * The results panel's script: one module, loaded with the CSP nonce. It registers the
 * toolkit's components, reads its saved state and tells the extension it is ready; the
 * extension answers with the report.
 */
import './panel.css';
import { ResultsApp } from './app';
import { isHostMessage } from './messages';
import { registerToolkit } from './ui/toolkit';
import { connectHost } from './vscodeApi';

registerToolkit();
const host = connectHost();
const root = document.getElementById('app');
if (root) {
  const app = new ResultsApp(root, host);
  window.addEventListener('message', (event: MessageEvent<unknown>) => {
    // Only the extension posts to this page; anything not shaped like its messages is dropped.
    if (isHostMessage(event.data)) app.receive(event.data);
  });
  host.post({ type: 'ready', state: host.loadState() });
}
