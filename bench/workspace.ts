// A large workspace in the real editor (issue 15): about 10,250 build files — the 10,000 generated Dockerfiles of
// bench/corpus.ts plus docker-library's python, golang and php repositories, docker-node, docker/buildx (with its Go
// `vendor/` folder) and docker/awesome-compose — opened in code-server's VS Code in headless Chromium, with the
// packaged extension, offline (every registry request goes to a proxy that refuses it). Measured against the SAME
// workspace opened without the extension, in the same run, so that differences and ratios travel:
// - extension host resident memory and the workbench's (the browser tab's renderer), once the host is idle;
// - the whole index ready (the extension's "Indexed … build files" log line, from the moment the page is asked
//   for) and the Images view's first rows, the view shown as soon as the workbench is; both also against the
//   baseline window ready (its extension host's log says "Eager extensions activated": VS Code has started what
//   starts with the workspace), and with where the time went (the host started, this extension activated, the scan);
// - the floor of that at startup: an extension whose tree view answers at once (no index, no work at activation),
//   its view opened the same way, in windows of its own alternating with more windows of ours that measure only
//   their first rows (STARTUP_ROUNDS each, medians): what VS Code's extension host start costs any tree view;
// - offline, how long the registry progress (the view's spinner, the activity-bar badge) runs from the first rows,
//   and the count of failed lookups it ends with (badge and log);
// - the Images view's first rows when a user opens it once the workspace has loaded (a third window, the view closed
//   until the index is ready and the host settled; then its activity-bar icon clicked), against the Explorer opened
//   the same way in the baseline window (from the Search view: VS Code starts on the Explorer, so it was drawn once);
// - switching grouping (Group by Image, Group by File) until the new rows show;
// - clicks on rows under an image (grouped by image) that open their file;
// - CodeLenses and the unpinned-image hint back after typing stops in a Dockerfile.
// The workspace is built once into a cached folder outside the repository (IMAGE_PROVENANCE_SCALE_WORKSPACE, or
// <tmpdir>/image-provenance-scale-workspace). The six repositories come from local bare mirrors when
// IMAGE_PROVENANCE_BENCH_MIRRORS names their folder (`<owner>+<name>/repo`), else from a shallow clone.
// IMAGE_PROVENANCE_BENCH_PROFILE=<folder> also writes into that folder CPU profiles of the extension host while the
// workspace opens and while typing, of the extension host and the workbench while grouping switches and rows are
// clicked and while the view is opened once the workspace has loaded, and heap snapshots of the extension host and
// the workbench, settled.
import { execFileSync, execSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import type { CDPSession, Page } from 'playwright-core';
import { WebSocket } from 'undici';
import { launchBrowser } from '../test/host/browser';
import { startVscodeServer, type VscodeServer } from '../test/host/vscodeServer';
import { corpusPath, dockerfileText, writeCorpus } from './corpus';
import { benchDir, median, type Measurement } from './measure';

/** Another build to measure (an older commit's `npm run package`), for a before and after on one machine. */
const OTHER_VSIX = process.env.IMAGE_PROVENANCE_BENCH_VSIX;
const VSIX = OTHER_VSIX ? resolve(OTHER_VSIX) : resolve('dist/image-provenance.vsix');
const GENERATED = 10_000;
/** Bump when the workspace's content changes: a cached folder of another version is rebuilt. */
const WORKSPACE_VERSION = '1';
const REPOSITORIES = ['docker-library/python', 'docker-library/golang', 'docker-library/php', 'nodejs/docker-node', 'docker/buildx', 'docker/awesome-compose'] as const;
/** The generated Dockerfile typed into (restored before each window: VS Code in a browser saves after a delay). */
const TYPED = 5000;
const TYPED_FILE = relative('.', corpusPath('services', TYPED));
/** Where a user types: a new FROM above the first one (below the file's parser directives and global ARGs). */
const TYPED_AT_LINE = dockerfileText(TYPED).split('\n').findIndex((line) => /^FROM /i.test(line)) + 1;
const TYPED_LINES = ['FROM alpine:3.21 AS bench-a', 'FROM busybox:1.37 AS bench-b', 'FROM debian:bookworm-slim AS bench-c'];
const ROW_CLICKS = 8;
const PROFILE_DIR = process.env.IMAGE_PROVENANCE_BENCH_PROFILE;
const SIDEBAR_ROWS = '.part.sidebar .monaco-list-row';
/** A view container's rows, by its composite's id (the sidebar keeps a container it has shown, hidden). */
const EXPLORER_ROWS = '.part.sidebar [id="workbench.view.explorer"] .monaco-list-row';
const IMAGES_ROWS = '.part.sidebar [id="workbench.view.extension.imageProvenance"] .monaco-list-row';
const FLOOR_TITLE = 'Floor Tree';
const FLOOR_ROWS = '.part.sidebar [id="workbench.view.extension.floorTree"] .monaco-list-row';
/** How long the registry progress is watched from the first rows: the request timeout (30 s by default) and more. */
const OFFLINE_WATCH_MS = 45_000;
const REQUEST_TIMEOUT_MS = 30_000;
/** Windows opened only for the first rows at startup, ours (with the full window's) and the floor's. */
const STARTUP_ROUNDS = 3;

export async function workspaceBench(): Promise<Measurement[]> {
  if (!OTHER_VSIX) execFileSync('npm', ['run', '--silent', 'package'], { stdio: 'ignore' });
  const workspace = scaleWorkspace();
  const files = countBuildFiles(workspace);
  const baseline = (await openWindow(workspace, 'baseline')) as BaselineWindow;
  const o = (await openWindow(workspace, 'viewAtStart')) as OursWindow;
  const later = (await openWindow(workspace, 'viewLater')) as LaterWindow;
  // The first rows at startup vary by hundreds of milliseconds between windows: medians, ours and the floor's alternating.
  const startup = { ours: [o.firstRowsMs], floor: [] as number[] };
  for (let round = 0; round < STARTUP_ROUNDS; round++) {
    startup.floor.push(((await openWindow(workspace, 'floorFirstRows')) as FirstRowsWindow).firstRowsMs);
    if (startup.ours.length < STARTUP_ROUNDS) startup.ours.push(((await openWindow(workspace, 'oursFirstRows')) as FirstRowsWindow).firstRowsMs);
  }
  const [firstRows, floorRows] = [median(startup.ours), median(startup.floor)];
  const hostOver = o.hostRssMb - baseline.hostRssMb;
  const pageOver = o.rendererMb - baseline.rendererMb;
  return [
    { key: 'workspace.files', value: files, unit: 'files', note: `build files by name in the workspace, vendor/ and node_modules/ included (${GENERATED.toLocaleString('en')} generated)` },
    { key: 'workspace.indexed', value: o.indexed, unit: 'files', note: 'build files the extension indexed' },
    { key: 'workspace.windowReady.ms', value: baseline.readyMs, unit: 'ms', note: `baseline: from the page asked for to its extension host ready (started after ${baseline.hostStartedMs} ms); with the extension ${o.readyMs} ms (started after ${o.hostStartedMs} ms)` },
    { key: 'workspace.indexReady.ms', value: o.indexReadyMs, unit: 'ms', note: `from the page asked for to the index done: activated after ${o.activatedMs} ms (${o.activationEvent}), then ${o.scanLine}` },
    { key: 'workspace.indexReady.over.ms', value: o.indexReadyMs - baseline.readyMs, unit: 'ms', target: '≤ 5000 ms', note: `after the baseline window ready (${(o.indexReadyMs / baseline.readyMs).toFixed(2)}×)` },
    { key: 'workspace.firstRows.ms', value: firstRows, unit: 'ms', target: '≤ 1000 ms', note: `from the Images view shown (with the workbench) to its first rows, median of ${startup.ours.map((ms) => ms.toFixed(0)).join(', ')}; in the full window ${o.firstRowsAtMs - baseline.readyMs} ms after the baseline window ready` },
    { key: 'workspace.firstRows.floor.ms', value: floorRows, unit: 'ms', note: `the same for a tree view that answers at once (no index, nothing at activation), median of ${startup.floor.map((ms) => ms.toFixed(0)).join(', ')}: what VS Code's extension host start costs any view; ours ${(firstRows - floorRows).toFixed(0)} ms over it (${(firstRows / floorRows).toFixed(2)}×)` },
    { key: 'workspace.firstRowsOpened.ms', value: later.openedMs, unit: 'ms', target: '≤ 1000 ms', note: `the view opened once the workspace has loaded (index ready, host settled) to its first row; the Explorer opened the same way in the baseline window ${baseline.explorerMs.toFixed(0)} ms` },
    { key: 'workspace.firstRowsOpened.over.ms', value: later.openedMs - baseline.explorerMs, unit: 'ms', note: `over the Explorer's (${(later.openedMs / baseline.explorerMs).toFixed(2)}×); the host settled with the view closed: ${(later.hostRssClosedMb - baseline.hostRssMb).toFixed(0)} MB over the baseline; in that window, activated after ${later.activatedMs} ms (${later.activationEvent.slice(0, 40)}), index ready after ${later.indexReadyMs} ms` },
    { key: 'workspace.hostRss.mb', value: o.hostRssMb, unit: 'MB', note: `extension host, settled; baseline without the extension ${baseline.hostRssMb.toFixed(0)} MB` },
    { key: 'workspace.hostRss.over.mb', value: hostOver, unit: 'MB', target: '≤ 250 MB', note: `over the baseline (${(o.hostRssMb / baseline.hostRssMb).toFixed(2)}×); after Group by Image ${(o.hostRssByImageMb - baseline.hostRssMb).toFixed(0)} MB over` },
    { key: 'workspace.workbench.mb', value: o.rendererMb, unit: 'MB', note: `the workbench's renderer, resident; baseline ${baseline.rendererMb.toFixed(0)} MB (JS heap ${o.jsHeapMb.toFixed(0)} against ${baseline.jsHeapMb.toFixed(0)} MB)` },
    { key: 'workspace.workbench.over.mb', value: pageOver, unit: 'MB', target: '≤ 150 MB', note: `over the baseline (${(o.rendererMb / baseline.rendererMb).toFixed(2)}×); after Group by Image ${(o.rendererByImageMb - baseline.rendererMb).toFixed(0)} MB over` },
    { key: 'workspace.groupByImage.ms', value: o.groupByImageMs, unit: 'ms', target: '≤ 1000 ms', note: 'from Enter on Group by Image to its first rows' },
    { key: 'workspace.groupByFile.ms', value: o.groupByFileMs, unit: 'ms', target: '≤ 1000 ms', note: 'and back' },
    { key: 'workspace.rowClicks.opened', value: o.clicksOpened, unit: 'files', target: `${ROW_CLICKS} of ${ROW_CLICKS}`, note: `clicks on rows under an image that opened their file within 5 s, of ${ROW_CLICKS}; median ${o.clickMs.toFixed(0)} ms` },
    { key: 'workspace.rowClick.ms', value: o.clickMs, unit: 'ms', note: `median; the same files opened from Quick Open (Enter to the file shown), all editors closed first: ${o.quickOpenMs.toFixed(0)} ms (${(o.clickMs / o.quickOpenMs).toFixed(2)}×)` },
    { key: 'workspace.offlineProgress.ms', value: o.offline.endedMs, unit: 'ms', target: `≤ ${REQUEST_TIMEOUT_MS} ms`, note: `offline, from the first rows to the registry progress ended (NaN: still running after ${OFFLINE_WATCH_MS / 1000} s); ${o.offline.bursts} bursts; badge ${o.offline.badge || 'none'}; log: ${o.offline.logged}` },
    { key: 'workspace.lensesAfterTyping.ms', value: o.lensMs, unit: 'ms', target: '≤ 300 ms', note: `CodeLenses of a new FROM after the last keystroke, median of ${TYPED_LINES.length}; the unpinned hint: ${o.hintMs.toFixed(0)} ms` },
    { key: 'workspace.hostCpuAfterTyping.ms', value: o.typingCpuMs, unit: 'ms', note: `extension host CPU time in the 3 s after each edit, median; baseline ${baseline.typingCpuMs.toFixed(0)} ms` },
  ];
}

/** The cached workspace: built once (a few seconds; the clones need the network), reused by later runs. */
function scaleWorkspace(): string {
  const root = process.env.IMAGE_PROVENANCE_SCALE_WORKSPACE ?? join(tmpdir(), 'image-provenance-scale-workspace');
  const marker = join(root, '.bench-version');
  if (existsSync(marker) && readFileSync(marker, 'utf8') === WORKSPACE_VERSION) return root;
  rmSync(root, { recursive: true, force: true });
  mkdirSync(root, { recursive: true });
  writeCorpus(join(root, 'services'), GENERATED);
  const mirrors = process.env.IMAGE_PROVENANCE_BENCH_MIRRORS;
  for (const repository of REPOSITORIES) {
    const target = join(root, 'repos', repository.split('/')[1]!);
    mkdirSync(target, { recursive: true });
    if (mirrors) execSync(`git --git-dir=${JSON.stringify(join(mirrors, repository.replace('/', '+'), 'repo'))} archive HEAD | tar -x -C ${JSON.stringify(target)}`);
    else {
      execFileSync('git', ['clone', '--quiet', '--depth', '1', `https://github.com/${repository}.git`, target]);
      rmSync(join(target, '.git'), { recursive: true, force: true });
    }
  }
  writeFileSync(marker, WORKSPACE_VERSION);
  return root;
}

const BUILD_FILE_NAME = /^(Dockerfile.*|.*\.[Dd]ockerfile|Containerfile.*|(docker-)?compose(\..+)?\.ya?ml|docker-bake(\..+)?\.(hcl|json))$/;

function countBuildFiles(root: string): number {
  return readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((path) => {
    const name = path.slice(path.lastIndexOf('/') + 1);
    return BUILD_FILE_NAME.test(name) && !name.endsWith('.dockerignore');
  }).length;
}

interface BaselineWindow {
  /** From the page asked for to the extension host started, and to its startup extensions activated. */
  readonly hostStartedMs: number;
  readonly readyMs: number;
  readonly hostRssMb: number;
  readonly rendererMb: number;
  readonly jsHeapMb: number;
  readonly typingCpuMs: number;
  /** From a click on the Explorer's icon (the Search view shown) to its first row. */
  readonly explorerMs: number;
}

interface LaterWindow {
  /** From a click on the Images view's icon, the workspace loaded, to its first row. */
  readonly openedMs: number;
  /** The extension host settled with the view never opened, MB. */
  readonly hostRssClosedMb: number;
  /** From the page asked for to this extension activated, by which event, and to the index ready. */
  readonly activatedMs: number;
  readonly activationEvent: string;
  readonly indexReadyMs: number;
}

interface FirstRowsWindow {
  /** From a click on the view's icon, with the workbench, to its first row. */
  readonly firstRowsMs: number;
}

/** The registry progress of a window offline, watched from its first rows. */
interface OfflineProgress {
  /** From the first rows to the progress's last end; NaN if it still runs at the end of the watch. */
  readonly endedMs: number;
  /** How many times the progress started. */
  readonly bursts: number;
  /** The activity bar's count of failed lookups at the end. */
  readonly badge: string;
  /** The extension's log line on the failed lookups. */
  readonly logged: string;
}

interface OursWindow extends Omit<BaselineWindow, 'explorerMs'> {
  readonly indexed: number;
  /** The extension's log line that says what the scan cost. */
  readonly scanLine: string;
  readonly activatedMs: number;
  readonly activationEvent: string;
  readonly indexReadyMs: number;
  readonly firstRowsMs: number;
  /** The first rows, from the page asked for. */
  readonly firstRowsAtMs: number;
  readonly hostRssByImageMb: number;
  readonly rendererByImageMb: number;
  readonly groupByImageMs: number;
  readonly groupByFileMs: number;
  readonly clicksOpened: number;
  readonly clickMs: number;
  readonly quickOpenMs: number;
  readonly lensMs: number;
  readonly hintMs: number;
  readonly offline: OfflineProgress;
}

/**
 * One window on the workspace, measured as a user meets it: without the extension (the baseline), with it and the
 * Images view open from the start, or with it and the view opened once the workspace has loaded; or only the first
 * rows of a view opened at startup, ours or the floor extension's.
 */
async function openWindow(workspace: string, kind: 'baseline' | 'viewAtStart' | 'viewLater' | 'oursFirstRows' | 'floorFirstRows'): Promise<BaselineWindow | OursWindow | LaterWindow | FirstRowsWindow> {
  const withExtension = kind !== 'baseline' && kind !== 'floorFirstRows';
  // Offline: every request goes to a proxy nobody listens on (port 9, discard), refused at once.
  const offline = { HTTPS_PROXY: 'http://127.0.0.1:9', HTTP_PROXY: 'http://127.0.0.1:9', NO_PROXY: '' };
  writeFileSync(join(workspace, TYPED_FILE), dockerfileText(TYPED));
  const server = await startVscodeServer({
    ...(withExtension ? { install: [VSIX] } : kind === 'floorFirstRows' ? { install: [floorExtension()] } : {}),
    env: offline,
    // Enter ends the typed line: it does not take a word the editor suggests.
    settings: { 'workbench.startupEditor': 'none', 'workbench.welcomePage.walkthroughs.openOnInstall': false, 'extensions.autoCheckUpdates': false, 'git.enabled': false, 'editor.acceptSuggestionOnEnter': 'off' },
  });
  const tag = `--image-provenance-scale-bench=${process.pid}-${Date.now()}`;
  const browser = await launchBrowser([tag]);
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const cdp = await page.context().newCDPSession(page);
    const asked = Date.now();
    await page.goto(`${server.origin}/?folder=${encodeURIComponent(workspace)}`);
    await page.locator('.monaco-workbench').waitFor({ timeout: 120_000 });
    if (kind === 'oursFirstRows' || kind === 'floorFirstRows') {
      const [title, rows] = kind === 'oursFirstRows' ? ['Image Provenance', IMAGES_ROWS] : [FLOOR_TITLE, FLOOR_ROWS];
      await page.locator(`.activitybar [aria-label^="${title}"]`).first().click({ timeout: 60_000 });
      const shown = performance.now();
      const firstRowsMs = await step(page, `${title} first rows`, async () => {
        await page.locator(rows).first().waitFor({ timeout: 120_000 });
        return performance.now() - shown;
      });
      progress(`${title} at startup: first rows after ${firstRowsMs.toFixed(0)} ms`);
      return { firstRowsMs };
    }
    if (!withExtension) {
      await settle(server);
      const host = await hostTimeline(server, asked);
      const typingCpuMs = await typeAndWait(page, server, false);
      await settle(server);
      const measured = { hostStartedMs: host.startedMs, readyMs: host.readyMs, hostRssMb: extensionHost(server).rssMb, rendererMb: rendererRssMb(tag), jsHeapMb: await jsHeapMb(cdp), typingCpuMs: median(typingCpuMs.map((t) => t.cpuMs)) };
      await openView(page, 'Search', undefined);
      await page.waitForTimeout(1_000);
      return { ...measured, explorerMs: await step(page, 'explorer opened', () => openView(page, 'Explorer', EXPLORER_ROWS)) };
    }
    if (kind === 'viewLater') {
      const indexed = await logLine(server, /Indexed (\d+) build files in .*/, 600_000);
      await settle(server);
      // Activated by its `workspaceContains:` events (VS Code searches the workspace for one of those files).
      const { activated } = await hostTimeline(server, asked);
      const closed = { hostRssClosedMb: extensionHost(server).rssMb, activatedMs: activated?.ms ?? NaN, activationEvent: activated?.event ?? 'not activated', indexReadyMs: indexed.at - asked };
      const openImagesView = () => openView(page, 'Image Provenance', IMAGES_ROWS);
      if (!PROFILE_DIR) return { openedMs: await step(page, 'view opened', openImagesView), ...closed };
      // The inspector opened (it costs the host a moment) and quiet again before the click.
      const port = await openInspector(server);
      await settle(server);
      return { openedMs: await step(page, 'view opened', () => profile(port, cdp, 'view-opened', openImagesView)), ...closed };
    }
    const inspectPort = PROFILE_DIR ? await openInspector(server) : undefined;
    const profiler = inspectPort ? await startHostProfile(inspectPort) : undefined;
    // The view open from the start, as for a user who left it open.
    await page.locator('.activitybar [aria-label^="Image Provenance"]').first().click({ timeout: 60_000 });
    const shown = performance.now();
    const firstRowsMs = await step(page, 'first rows', async () => {
      await page.locator(SIDEBAR_ROWS).first().waitFor({ timeout: 600_000 });
      return performance.now() - shown;
    });
    const firstRowsAtMs = Date.now() - asked;
    const offlineWatch = await watchImagesProgress(page);
    const indexedLine = await logLine(server, /Indexed (\d+) build files in .*/, 600_000);
    const indexReadyMs = indexedLine.at - asked;
    progress(`index ready after ${indexReadyMs} ms (${indexedLine.match[1]} files)`);
    await settle(server);
    const host = await hostTimeline(server, asked);
    if (profiler) writeFileSync(join(PROFILE_DIR!, 'extension-host.cpuprofile'), JSON.stringify(await profiler.stop()));
    const hostRssMb = extensionHost(server).rssMb;
    const rendererMb = rendererRssMb(tag);
    const jsHeap = await jsHeapMb(cdp);
    if (PROFILE_DIR && inspectPort) {
      await hostHeapSnapshot(inspectPort, join(PROFILE_DIR, 'extension-host-by-file.heapsnapshot'));
      await pageHeapSnapshot(cdp, join(PROFILE_DIR, 'workbench-by-file.heapsnapshot'));
    }

    progress(`settled: host ${hostRssMb.toFixed(0)} MB, workbench ${rendererMb.toFixed(0)} MB`);
    const profiled = <T>(name: string, measure: () => Promise<T>) => (inspectPort ? profile(inspectPort, cdp, name, measure) : measure());
    const groupByImageMs = await step(page, 'group by image', () => profiled('group-by-image', () => switchGrouping(page, 'Group by Image', true)));
    await settle(server);
    const hostRssByImageMb = extensionHost(server).rssMb;
    const rendererByImageMb = rendererRssMb(tag);
    if (PROFILE_DIR && inspectPort) {
      await hostHeapSnapshot(inspectPort, join(PROFILE_DIR, 'extension-host-by-image.heapsnapshot'));
      await pageHeapSnapshot(cdp, join(PROFILE_DIR, 'workbench-by-image.heapsnapshot'));
    }
    progress(`by image, settled: host ${hostRssByImageMb.toFixed(0)} MB, workbench ${rendererByImageMb.toFixed(0)} MB`);
    const clicked = await step(page, 'row clicks', () => profiled('row-clicks', () => clickRows(page)), { clicks: [], files: [] });
    const clicks = clicked.clicks;
    const groupByFileMs = await step(page, 'group by file', () => profiled('group-by-file', () => switchGrouping(page, 'Group by File', false)));
    await settle(server);
    // Before typing, whose new images are looked up again.
    const offline = await step(page, 'offline progress', () => offlineProgress(page, server, offlineWatch), { endedMs: NaN, bursts: NaN, badge: '', logged: 'not measured' });
    const typing = await step(page, 'typing', () => profiled('typing', () => typeAndWait(page, server, true)), []);
    // Last: Quick Open's file search runs in the extension host, busy for seconds as the path is typed.
    const quickOpens = await step(page, 'quick open', () => quickOpen(page, clicked.files), []);
    return {
      hostStartedMs: host.startedMs,
      readyMs: host.readyMs,
      indexed: Number(indexedLine.match[1]),
      scanLine: indexedLine.match[0],
      activatedMs: host.activated?.ms ?? NaN,
      activationEvent: host.activated?.event ?? 'not activated',
      indexReadyMs,
      firstRowsMs,
      firstRowsAtMs,
      hostRssMb,
      rendererMb,
      jsHeapMb: jsHeap,
      hostRssByImageMb,
      rendererByImageMb,
      groupByImageMs,
      groupByFileMs,
      clicksOpened: clicks.filter((c) => c !== undefined).length,
      clickMs: median(clicks.map((c) => c ?? 5_000)),
      quickOpenMs: median(quickOpens),
      lensMs: median(typing.map((t) => t.lensMs)),
      hintMs: median(typing.map((t) => t.hintMs)),
      typingCpuMs: median(typing.map((t) => t.cpuMs)),
      offline,
    };
  } finally {
    await browser.close();
    await server.stop();
  }
}

/**
 * Starts recording the Images view's registry progress in the page, from now: each change of its state (a progress
 * bar on the view or a progress badge on its activity-bar icon) and of the icon's count. The page's clock at the start.
 */
async function watchImagesProgress(page: Page): Promise<number> {
  // A script (the bench has no DOM types): the page's own clock, no round trip per change.
  return (await page.evaluate(`(() => {
    const changes = (window.imagesProgress = []);
    const pane = () => document.querySelector('[id="workbench.view.extension.imageProvenance"]');
    const icon = () => document.querySelector('.activitybar [aria-label^="Image Provenance"]')?.closest('.action-item');
    const record = () => {
      const bars = [...(pane()?.querySelectorAll('.monaco-progress-container') ?? [])];
      const on = bars.some((bar) => bar.classList.contains('active') && !bar.classList.contains('done')) || !!icon()?.querySelector('.badge.progress-badge');
      const badge = icon()?.querySelector('.badge-content')?.textContent ?? '';
      const last = changes.at(-1);
      if (!last || last.on !== on || last.badge !== badge) changes.push({ t: performance.now(), on, badge });
    };
    new MutationObserver(record).observe(document.body, { subtree: true, attributes: true, attributeFilter: ['class', 'style'], childList: true, characterData: true });
    record();
    return performance.now();
  })()`)) as number;
}

/** Waits until OFFLINE_WATCH_MS after `watchImagesProgress` began, then reads what the progress did meanwhile. */
async function offlineProgress(page: Page, server: VscodeServer, since: number): Promise<OfflineProgress> {
  const changes = (await page.evaluate(`(async () => {
    await new Promise((done) => setTimeout(done, Math.max(0, ${since + OFFLINE_WATCH_MS} - performance.now())));
    return window.imagesProgress;
  })()`)) as { t: number; on: boolean; badge: string }[];
  const last = changes.at(-1);
  const ends = changes.filter((c, i) => i > 0 && !c.on && changes[i - 1]!.on);
  const logged = lastLogLine(server, /\d+ of \d+ lookups failed.*/)?.slice(0, 160) ?? 'no failed lookups logged';
  progress(`offline progress: ${JSON.stringify(changes.map((c) => ({ ...c, t: Math.round(c.t - since) })))}`);
  return {
    endedMs: last?.on ? NaN : (ends.at(-1)?.t ?? since) - since,
    bursts: changes.filter((c, i) => c.on && !changes[i - 1]?.on).length,
    badge: last?.badge ?? '',
    logged,
  };
}

/**
 * An extension with one tree view in a view container of its own that answers at once (three rows, nothing done at
 * activation), for the floor of a tree view's first rows: packaged once per run.
 */
function floorExtension(): string {
  const dir = join(benchDir(), 'floor-tree');
  const vsix = join(dir, 'floor-tree.vsix');
  if (existsSync(vsix)) return vsix;
  mkdirSync(dir, { recursive: true });
  const manifest = {
    name: 'floor-tree',
    displayName: FLOOR_TITLE,
    publisher: 'image-provenance-bench',
    version: '0.0.1',
    license: 'MIT',
    engines: { vscode: '^1.100.0' },
    main: './extension.js',
    contributes: {
      viewsContainers: { activitybar: [{ id: 'floorTree', title: FLOOR_TITLE, icon: 'icon.svg' }] },
      views: { floorTree: [{ id: 'floorTree.rows', name: 'Rows' }] },
    },
  };
  writeFileSync(join(dir, 'package.json'), JSON.stringify(manifest, null, 2));
  const extension = [
    "const vscode = require('vscode');",
    'exports.activate = (context) => {',
    "  const treeDataProvider = { getChildren: (row) => (row ? [] : ['a', 'b', 'c']), getTreeItem: (row) => new vscode.TreeItem(row) };",
    "  context.subscriptions.push(vscode.window.createTreeView('floorTree.rows', { treeDataProvider }));",
    '};',
  ];
  writeFileSync(join(dir, 'extension.js'), `${extension.join('\n')}\n`);
  writeFileSync(join(dir, 'icon.svg'), '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><rect x="4" y="4" width="16" height="16"/></svg>\n');
  writeFileSync(join(dir, 'README.md'), 'A tree view that answers at once, for timing.\n');
  writeFileSync(join(dir, 'LICENSE'), 'MIT\n');
  execFileSync(process.execPath, [require.resolve('@vscode/vsce/vsce'), 'package', '--no-dependencies', '--allow-missing-repository', '--out', vsix], { cwd: dir, stdio: 'ignore' });
  return vsix;
}

/** Clicks a view container's activity-bar icon; the time from the click to the first of `rows` drawn. */
async function openView(page: Page, label: string, rows: string | undefined): Promise<number> {
  const start = performance.now();
  await page.locator(`.activitybar [aria-label^="${label}"]`).first().click({ timeout: 60_000 });
  if (rows === undefined) return performance.now() - start;
  await page.locator(rows).first().waitFor({ timeout: 120_000 });
  const ms = performance.now() - start;
  progress(`${label} opened: first row after ${ms.toFixed(0)} ms`);
  return ms;
}

/** Runs a grouping command from the palette; the time from Enter until the top rows are images (or files, or folders). */
async function switchGrouping(page: Page, title: string, byImage: boolean): Promise<number> {
  await page.keyboard.press('F1');
  await page.keyboard.type(title);
  await page.locator('.quick-input-widget .monaco-list-row', { hasText: title }).first().waitFor();
  await page.waitForTimeout(300); // the list filtered: Enter runs this command
  const start = performance.now();
  await page.keyboard.press('Enter');
  // The first top-level row is an image (its icon is a package) or a file or folder (any other).
  const first = page.locator(`${SIDEBAR_ROWS}[aria-level="1"]`).first();
  for (;;) {
    if ((await first.count()) && (await first.locator('.codicon-package').count()) === (byImage ? 1 : 0)) break;
    if (performance.now() - start > 120_000) throw new Error(`no rows grouped ${byImage ? 'by image' : 'by file'} within 2 minutes`);
    await page.waitForTimeout(20);
  }
  const ms = performance.now() - start;
  progress(`${title}: ${ms.toFixed(0)} ms`);
  return ms;
}

/**
 * Clicks rows under an image, one after another (a second apart, over the time lookups finish and the tree
 * redraws); each must open its file (the breadcrumbs name its folder) within 5 s. The milliseconds of each, or
 * undefined for a click that opened nothing, and the files (workspace-relative).
 */
async function clickRows(page: Page): Promise<{ clicks: (number | undefined)[]; files: string[] }> {
  // The first image with enough uses (images open collapsed).
  const group = page.locator(`${SIDEBAR_ROWS}[aria-level="1"]`).filter({ hasText: /\d{2,} uses/ }).first();
  await group.locator('.monaco-tl-twistie').click();
  const clicks: (number | undefined)[] = [];
  const files: string[] = [];
  for (let i = 0; i < ROW_CLICKS; i++) {
    const row = page.locator(`${SIDEBAR_ROWS}[aria-level="2"]`).nth(i);
    await row.waitFor({ timeout: 30_000 });
    const label = (await row.locator('.label-name').first().innerText()).trim();
    files.push(label);
    const start = performance.now();
    await row.click();
    clicks.push(await opened(page, label, start));
    await page.waitForTimeout(1_000);
  }
  return { clicks, files };
}

/** The milliseconds from `start` until the editor shows `file` (the breadcrumbs name its folder), or undefined after 5 s. */
async function opened(page: Page, file: string, start: number): Promise<number | undefined> {
  const folder = file.split('/').slice(-2, -1)[0] ?? file;
  return page
    .locator('.breadcrumbs-control', { hasText: folder })
    .first()
    .waitFor({ timeout: 5_000 })
    .then(() => performance.now() - start)
    .catch(() => undefined);
}

/**
 * The same files opened as VS Code opens them without the extension, for comparison: all editors closed, each
 * from Quick Open, timed from Enter until the editor shows it.
 */
async function quickOpen(page: Page, files: readonly string[]): Promise<number[]> {
  await runCommand(page, 'View: Close All Editors');
  const times: number[] = [];
  for (const file of files) {
    await page.keyboard.press('Control+P');
    await page.keyboard.type(file);
    await page.locator('.quick-input-widget .monaco-list-row', { hasText: file.split('/').at(-2) ?? file }).first().waitFor();
    await page.waitForTimeout(300); // the list filtered: Enter opens this file
    const start = performance.now();
    await page.keyboard.press('Enter');
    const ms = await opened(page, file, start);
    if (ms !== undefined) times.push(ms);
    await page.waitForTimeout(1_000);
  }
  return times;
}

/** Runs a command from the palette by its title. */
async function runCommand(page: Page, title: string): Promise<void> {
  await page.keyboard.press('F1');
  await page.keyboard.type(title);
  await page.locator('.quick-input-widget .monaco-list-row', { hasText: title }).first().waitFor();
  await page.waitForTimeout(300);
  await page.keyboard.press('Enter');
}

/**
 * Opens TYPED_FILE and types a new FROM line above its first FROM, once per TYPED_LINES; with the extension, the
 * times from the last keystroke to one more CodeLens and one more hint underline. Both: the extension host's
 * CPU time over the 3 s after each edit.
 */
async function typeAndWait(page: Page, server: VscodeServer, withExtension: boolean): Promise<{ lensMs: number; hintMs: number; cpuMs: number }[]> {
  await page.keyboard.press('Control+P');
  await page.keyboard.type(TYPED_FILE);
  await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'app-5000' }).first().waitFor();
  await page.waitForTimeout(300);
  await page.keyboard.press('Enter');
  await page.locator('.breadcrumbs-control', { hasText: 'app-5000' }).first().waitFor();
  const editor = page.locator('.editor-instance .monaco-editor').first();
  const lenses = editor.locator('.codelens-decoration');
  const hints = editor.locator('.squiggly-hint');
  if (withExtension) await lenses.first().waitFor({ timeout: 60_000 });
  const results = [];
  for (const line of TYPED_LINES) {
    await editor.locator('.view-lines').click();
    await page.keyboard.press('Control+G');
    await page.keyboard.type(String(TYPED_AT_LINE));
    await page.keyboard.press('Enter');
    await page.keyboard.press('Home');
    const [lensesBefore, hintsBefore] = [await lenses.count(), await hints.count()];
    const host = extensionHost(server);
    await page.keyboard.type(`${line}\n`, { delay: 20 });
    const typed = performance.now();
    const cpuBefore = cpuMs(host.pid);
    let lensMs = NaN;
    let hintMs = NaN;
    while (withExtension && performance.now() - typed < 10_000 && (Number.isNaN(lensMs) || Number.isNaN(hintMs))) {
      if (Number.isNaN(lensMs) && (await lenses.count()) > lensesBefore) lensMs = performance.now() - typed;
      if (Number.isNaN(hintMs) && (await hints.count()) > hintsBefore) hintMs = performance.now() - typed;
      await page.waitForTimeout(10);
    }
    await page.waitForTimeout(Math.max(0, 3_000 - (performance.now() - typed)));
    results.push({ lensMs, hintMs, cpuMs: cpuMs(host.pid) - cpuBefore });
  }
  return results;
}

function progress(line: string): void {
  console.error(`[workspace bench] ${line}`);
}

/** Runs one measurement; if it fails, says why, keeps a screenshot, and counts it as not measured. */
async function step<T>(page: Page, name: string, measure: () => Promise<T>, failed?: T): Promise<T> {
  try {
    return await measure();
  } catch (error) {
    const shot = join(tmpdir(), `image-provenance-scale-${name.replace(/\W+/g, '-')}.png`);
    await page.screenshot({ path: shot }).catch(() => undefined);
    progress(`${name} failed (screenshot ${shot}): ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
    return failed ?? (NaN as T);
  }
}

/** The time and match of the first line matching `pattern` in the extension's log (or another), waited for. */
async function logLine(server: VscodeServer, pattern: RegExp, timeoutMs: number, log = 'Image Provenance.log'): Promise<{ at: number; match: RegExpExecArray }> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const file of readdirSync(server.root, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith(log))) {
      for (const line of readFileSync(join(server.root, file), 'utf8').split('\n')) {
        const match = pattern.exec(line);
        const at = lineTime(line);
        if (match && at !== undefined) return { at, match };
      }
    }
    await new Promise((done) => setTimeout(done, 250));
  }
  throw new Error(`Nothing in ${log} matched ${pattern} within ${timeoutMs / 1000} s`);
}

/** The last line matching `pattern` in the extension's log, as it is now. */
function lastLogLine(server: VscodeServer, pattern: RegExp): string | undefined {
  const logs = readdirSync(server.root, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('Image Provenance.log'));
  const lines = logs.flatMap((file) => readFileSync(join(server.root, file), 'utf8').split('\n'));
  return lines.map((line) => pattern.exec(line)?.[0]).filter((m) => m !== undefined).at(-1);
}

/** A VS Code log line's time: `2026-12-02 08:30:00.123 [info] …`, local time. */
function lineTime(line: string): number | undefined {
  const time = /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d\.\d{3})/.exec(line);
  return time ? new Date(`${time[1]}T${time[2]}`).getTime() : undefined;
}

/**
 * From the extension host's log, ms after `asked`: its first line (the host started), "Eager extensions activated"
 * (what activates with the workspace is activated: the window is ready), and this extension's activation and event.
 * The host writes its log a while after the fact: waited for.
 */
async function hostTimeline(server: VscodeServer, asked: number): Promise<{ startedMs: number; readyMs: number; activated?: { ms: number; event: string } }> {
  await logLine(server, /Eager extensions activated/, 120_000, 'remoteexthost.log');
  const file = readdirSync(server.root, { recursive: true, encoding: 'utf8' }).find((f) => f.endsWith('remoteexthost.log'))!;
  const lines = readFileSync(join(server.root, file), 'utf8').split('\n');
  const at = (pattern: RegExp) => {
    const line = lines.find((l) => pattern.test(l));
    const time = line === undefined ? undefined : lineTime(line);
    return time === undefined ? NaN : time - asked;
  };
  const activation = lines.find((l) => l.includes('_doActivateExtension image-provenance.image-provenance'));
  const event = activation && /activationEvent: '([^']*)'/.exec(activation)?.[1];
  return {
    startedMs: at(/^\d{4}-/),
    readyMs: at(/Eager extensions activated/),
    ...(activation && event ? { activated: { ms: lineTime(activation)! - asked, event } } : {}),
  };
}

interface Proc {
  readonly pid: number;
  readonly ppid: number;
  readonly rss: number;
  readonly args: string;
}

function processes(): Proc[] {
  return execFileSync('ps', ['-eo', 'pid=,ppid=,rss=,args='], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
    .split('\n')
    .map((line) => line.trim().match(/^(\d+)\s+(\d+)\s+(\d+)\s+(.*)$/))
    .filter((m): m is RegExpMatchArray => m !== null)
    .map(([, pid, ppid, rss, args]) => ({ pid: Number(pid), ppid: Number(ppid), rss: Number(rss), args: args! }));
}

function under(all: readonly Proc[], pid: number, mark: string): boolean {
  const byPid = new Map(all.map((p) => [p.pid, p]));
  for (let at = byPid.get(pid); at; at = byPid.get(at.ppid)) if (at.args.includes(mark)) return true;
  return false;
}

/** The extension host of this server: its pid and resident memory, MB. */
function extensionHost(server: VscodeServer): { pid: number; rssMb: number } {
  const host = findExtensionHost(server);
  if (!host) throw new Error('the extension host process was not found');
  return { pid: host.pid, rssMb: host.rss / 1024 };
}

function findExtensionHost(server: VscodeServer): Proc | undefined {
  const all = processes();
  return all.find((p) => p.args.includes('--type=extensionHost') && under(all, p.pid, server.root));
}

/** Resident memory of this browser's renderers (the workbench's tab; no webview is open), MB. */
function rendererRssMb(tag: string): number {
  const all = processes();
  return all.filter((p) => p.args.includes('--type=renderer') && under(all, p.pid, tag)).reduce((sum, p) => sum + p.rss, 0) / 1024;
}

async function jsHeapMb(cdp: CDPSession): Promise<number> {
  const { usedSize } = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number };
  return usedSize / 1e6;
}

/** User and system CPU time of a process so far, ms (from /proc: clock ticks of 10 ms). */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** Waits until the extension host has used under 5 % of a core for 3 s in a row (at most 3 minutes). */
async function settle(server: VscodeServer): Promise<void> {
  // Without the extension, VS Code's built-in extensions start the host a moment after the workbench.
  for (let waited = 0; waited < 60 && !findExtensionHost(server); waited++) await new Promise((done) => setTimeout(done, 1_000));
  const { pid } = extensionHost(server);
  let quiet = 0;
  for (let waited = 0; waited < 180 && quiet < 3; waited++) {
    const before = cpuMs(pid);
    await new Promise((done) => setTimeout(done, 1_000));
    quiet = cpuMs(pid) - before < 50 ? quiet + 1 : 0;
  }
}

/**
 * Opens the extension host's inspector as Node does on SIGUSR1 (on its default port: the server's
 * `--inspect-extensions` is only honoured for a debugging client), once the host has started.
 */
async function openInspector(server: VscodeServer): Promise<number> {
  for (let waited = 0; waited < 60 && !findExtensionHost(server); waited++) await new Promise((done) => setTimeout(done, 250));
  process.kill(extensionHost(server).pid, 'SIGUSR1');
  return 9229;
}

/** A minimal Chrome DevTools Protocol client over the extension host's inspector. */
async function inspector(port: number): Promise<{ send: (method: string, params?: object) => Promise<unknown>; on: (method: string, listener: (params: unknown) => void) => void; close: () => void }> {
  const deadline = Date.now() + 60_000;
  let targets: { webSocketDebuggerUrl: string }[] = [];
  while (!targets.length && Date.now() < deadline) {
    targets = await fetch(`http://127.0.0.1:${port}/json/list`).then((r) => r.json() as Promise<{ webSocketDebuggerUrl: string }[]>, () => []);
    if (!targets.length) await new Promise((done) => setTimeout(done, 200));
  }
  if (!targets.length) throw new Error(`no inspector on port ${port}`);
  const socket = new WebSocket(targets[0]!.webSocketDebuggerUrl);
  await new Promise((done, fail) => {
    socket.addEventListener('open', done, { once: true });
    socket.addEventListener('error', fail, { once: true });
  });
  let id = 0;
  const pending = new Map<number, (result: unknown) => void>();
  const listeners = new Map<string, (params: unknown) => void>();
  socket.addEventListener('message', ({ data }) => {
    const message = JSON.parse(String(data)) as { id?: number; result?: unknown; method?: string; params?: unknown };
    if (message.id !== undefined) pending.get(message.id)?.(message.result);
    else if (message.method) listeners.get(message.method)?.(message.params);
  });
  return {
    send: (method, params = {}) =>
      new Promise((done) => {
        pending.set(++id, done);
        socket.send(JSON.stringify({ id, method, params }));
      }),
    on: (method, listener) => listeners.set(method, listener),
    close: () => socket.close(),
  };
}

/** Runs `measure` under CPU profiles of the extension host and the workbench, written as `<name>-*.cpuprofile`. */
async function profile<T>(port: number, cdp: CDPSession, name: string, measure: () => Promise<T>): Promise<T> {
  const host = await startHostProfile(port);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.start');
  try {
    return await measure();
  } finally {
    const { profile: page } = await cdp.send('Profiler.stop');
    writeFileSync(join(PROFILE_DIR!, `${name}-workbench.cpuprofile`), JSON.stringify(page));
    writeFileSync(join(PROFILE_DIR!, `${name}-extension-host.cpuprofile`), JSON.stringify(await host.stop()));
  }
}

async function startHostProfile(port: number): Promise<{ stop: () => Promise<unknown> }> {
  const session = await inspector(port);
  await session.send('Profiler.enable');
  await session.send('Profiler.setSamplingInterval', { interval: 500 });
  await session.send('Profiler.start');
  return {
    stop: async () => {
      const { profile } = (await session.send('Profiler.stop')) as { profile: unknown };
      session.close();
      return profile;
    },
  };
}

async function hostHeapSnapshot(port: number, file: string): Promise<void> {
  const session = await inspector(port);
  const chunks: string[] = [];
  session.on('HeapProfiler.addHeapSnapshotChunk', (params) => chunks.push((params as { chunk: string }).chunk));
  await session.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
  session.close();
  writeFileSync(file, chunks.join(''));
}

async function pageHeapSnapshot(cdp: CDPSession, file: string): Promise<void> {
  const chunks: string[] = [];
  const collect = (params: { chunk: string }) => chunks.push(params.chunk);
  cdp.on('HeapProfiler.addHeapSnapshotChunk', collect);
  await cdp.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
  cdp.off('HeapProfiler.addHeapSnapshotChunk', collect);
  writeFileSync(file, chunks.join(''));
}
