/**
 * The one place that knows the component library: @vscode/webview-ui-toolkit (v1.4, frozen
 * upstream). The rest of the panel uses the small wrappers in this folder, so that moving to
 * another library (e.g. @vscode-elements/elements) means rewriting this folder only.
 *
 * Only components whose templates write no inline `style` attribute are used: the panel's
 * CSP refuses those (badge and progress ring are drawn by this folder's own elements).
 */
import {
  provideVSCodeDesignSystem,
  vsCodeButton,
  vsCodeCheckbox,
  vsCodeDropdown,
  vsCodeOption,
  vsCodePanels,
  vsCodePanelTab,
  vsCodePanelView,
  vsCodeTextField,
} from '@vscode/webview-ui-toolkit';

let registered = false;

/** Defines the custom elements the wrappers create (once per page). */
export function registerToolkit(): void {
  if (registered) return;
  registered = true;
  provideVSCodeDesignSystem().register(
    vsCodeButton(),
    vsCodeCheckbox(),
    vsCodeDropdown(),
    vsCodeOption(),
    vsCodePanels(),
    vsCodePanelTab(),
    vsCodePanelView(),
    vsCodeTextField(),
  );
}
