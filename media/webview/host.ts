// The page's one handle on VS Code (acquireVsCodeApi may be called only once) and the state it keeps for a
// window reload.

import { PANEL_STATE_VERSION, type PageMessage, type PanelState } from '../../src/panel/protocol';

interface VsCodeApi {
  postMessage(message: PageMessage): void;
  getState(): unknown;
  setState(state: PanelState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const api = acquireVsCodeApi();

/** Sends one of the intents the host accepts. */
export function post(message: PageMessage): void {
  api.postMessage(message);
}

let kept: Omit<PanelState, 'version'> | undefined;

/** Keeps what restores this panel after a reload; `update` is merged into what is kept (nothing until ref and digest are known). */
export function keep(update: Partial<Omit<PanelState, 'version'>>): void {
  const next = { ...kept, ...update };
  if (next.ref === undefined || next.digest === undefined) return;
  kept = next as Omit<PanelState, 'version'>;
  api.setState({ version: PANEL_STATE_VERSION, ...kept });
}
