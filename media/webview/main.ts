// The webview front end, bundled for the browser by scripts/build.mjs. The attestation panel of a later
// feature posts its data here. Registry data is hostile: it is only ever set as text, never as HTML.

interface VsCodeApi {
  postMessage(message: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

interface ShowText {
  readonly type: 'showText';
  readonly text: string;
}

const host = acquireVsCodeApi();
const root = document.getElementById('root') ?? document.body;

window.addEventListener('message', (event: MessageEvent<ShowText>) => {
  if (event.data?.type === 'showText') root.textContent = String(event.data.text);
});
host.postMessage({ type: 'ready' });
