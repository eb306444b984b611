// Keeps the BuildFileIndex in step with the workspace: a cancellable scan in batches that yield to the
// extension host, file watchers for create / change / delete on disk, and the text of open editors
// (unsaved edits win over disk). Skips what `files.exclude` and `imageProvenance.exclude` name; a file there is still
// read when a build file depends on it (a Compose service building from `vendor/`).

import { readFile } from 'node:fs';
import { promisify } from 'node:util';
import * as vscode from 'vscode';
import { debounce } from '../async/debounce';
import { TimeSlice } from '../async/timeSlice';
import type { BuildFileIndex } from '../workspace/buildFileIndex';
import { BuildFileMatcher, BUILD_FILE_GLOB, globMatcher, isScannedName, pathExcluder } from '../workspace/buildFilePatterns';
import { MAX_WATCHED_FOLDERS, NewFolderWatcher } from '../workspace/newFolderWatcher';
import { walkFolder } from '../workspace/walkFolder';
import type { BuildFileKind } from '../model/buildFile';
import { filesExclude, readSettings, SECTION } from './config';
import { ContextKeys, IMAGES_VIEW } from './context';

/**
 * Node's callback `readFile`: `fs/promises`' reads a file through a FileHandle in chunks, and took twice the CPU time
 * for a workspace of 10,000 Dockerfiles.
 */
const readFileBytes = promisify(readFile);
/** Files read at once. */
const BATCH = 64;
/**
 * How long the scan parses before it lets the extension host answer VS Code (the Images view asking for its first
 * rows while the scan runs): a batch parsed at startup, JIT still cold, took 51 ms.
 */
const SLICE_MS = 8;
/** Typing pauses shorter than this re-index once. */
const EDIT_DEBOUNCE_MS = 150;

interface FolderRules {
  readonly folder: vscode.WorkspaceFolder;
  readonly matcher: BuildFileMatcher;
  readonly globs: readonly string[];
  readonly excluded: (relativePath: string) => boolean;
  /** The same for a walk, which asks about no path under an excluded folder. */
  readonly excludedInWalk: (relativePath: string) => boolean;
}

/** A build file the scan found, and what kind. */
type Found = readonly [vscode.Uri, BuildFileKind];

export class WorkspaceIndexer implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private watchers: vscode.Disposable[] = [];
  /** Per workspace folder on disk (its URI), the new folders watched on top of VS Code's watcher. */
  private readonly newFolders = new Map<string, NewFolderWatcher>();
  private rules: FolderRules[] = [];
  private scanSource: vscode.CancellationTokenSource | undefined;
  private scanning: Promise<void> = Promise.resolve();
  /** Per document: the index update its last edit asks for, run once typing pauses. */
  private readonly pendingEdits = new Map<string, () => void>();
  private readonly editsSettled = debounce((key: string) => this.applyEdit(key), EDIT_DEBOUNCE_MS);
  private readonly decoder = new TextDecoder('utf-8');
  private hasBuildFiles: boolean | undefined;
  /** Resolves once the first scan has indexed its first files (the Images view's first rows need not wait for all). */
  private readonly firstFiles: Promise<void>;
  private firstFilesIn!: () => void;
  /** `scans` by path, until the rules change: the index asks about every file it lacks after each change. */
  private readonly scannedPaths = new Map<string, boolean>();

  constructor(
    private readonly index: BuildFileIndex,
    /** Each scan's size and time (the scale bench reads it). */
    private readonly log: Pick<vscode.LogOutputChannel, 'info' | 'warn'>,
  ) {
    this.firstFiles = new Promise((resolve) => (this.firstFilesIn = resolve));
  }

  start(): void {
    this.disposables.push(
      vscode.workspace.onDidChangeWorkspaceFolders(() => void this.refresh()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (['dockerfileGlobs', 'exclude'].some((s) => e.affectsConfiguration(`${SECTION}.${s}`)) || e.affectsConfiguration('files.exclude')) void this.refresh();
        else if (e.affectsConfiguration(`${SECTION}.buildVariables`)) this.index.setVariables(readSettings().buildVariables);
      }),
      vscode.workspace.onDidOpenTextDocument((doc) => this.documentChanged(doc)),
      vscode.workspace.onDidChangeTextDocument((e) => this.documentChanged(e.document)),
      vscode.workspace.onDidCloseTextDocument((doc) => this.documentClosed(doc)),
    );
    this.index.setVariables(readSettings().buildVariables);
    this.disposables.push(
      this.index.onDidChange(() => {
        this.updateHasBuildFiles();
        this.wantedSoon();
      }),
    );
    // The scan starts once activation has returned: VS Code counts what activate() does as its startup cost,
    // and nothing waits for the scan to begin (whenIndexed() waits for it to end).
    const activated = new Promise<void>((resolve) => setImmediate(resolve));
    this.scanning = activated;
    void activated.then(() => this.refresh());
  }

  /** Re-reads the folders' rules and re-scans; a scan still running is cancelled. */
  refresh(): Promise<void> {
    this.scanSource?.cancel();
    const source = (this.scanSource = new vscode.CancellationTokenSource());
    this.rules = (vscode.workspace.workspaceFolders ?? []).map(folderRules);
    this.scannedPaths.clear();
    this.watch();
    const previous = this.scanning;
    this.scanning = (async () => {
      await previous.catch(() => undefined);
      const started = performance.now();
      // The index tells its listeners once, when the whole scan is in.
      const phases = await vscode.window.withProgress({ location: { viewId: IMAGES_VIEW } }, () => this.index.batch(() => this.scan(source.token)));
      if (!source.token.isCancellationRequested) {
        const ms = (at: number) => (at - started).toFixed(0);
        this.log.info(`Indexed ${this.index.size} build files in ${ms(performance.now())} ms (walk done at ${ms(phases.walked)} ms, build files read at ${ms(phases.read)} ms, the files they read at ${ms(phases.wanted)} ms)`);
        await vscode.commands.executeCommand('setContext', ContextKeys.indexed, true);
        this.updateHasBuildFiles();
      }
      source.dispose();
    })();
    return this.scanning;
  }

  /** Resolves once no workspace scan is running (typing still waits for its pause). */
  async whenScanned(): Promise<void> {
    let scanning: Promise<void>;
    do {
      scanning = this.scanning;
      await scanning;
    } while (scanning !== this.scanning);
  }

  /** Resolves once the scan has indexed its first files, or has ended. */
  async whenFirstFiles(): Promise<void> {
    await Promise.race([this.firstFiles, this.whenScanned()]);
  }

  /** Resolves once the current scan and any pending editor changes are in the index. */
  async whenIndexed(): Promise<void> {
    await this.whenScanned();
    this.editsSettled.flush();
  }

  /**
   * Reads the workspace's build files into the index; when each phase ended. Dockerfiles are read as the walk finds
   * them (a large workspace's first rows need not wait for its walk); `.env` files, then Compose and Bake files,
   * which read them, once it is done: each is parsed once, with its values.
   */
  private async scan(token: vscode.CancellationToken): Promise<{ walked: number; read: number; wanted: number }> {
    const found = new Set<string>();
    const dockerfiles: Found[] = [];
    let walking = true;
    let wake: (() => void) | undefined;
    const reading = (async () => {
      while (!token.isCancellationRequested) {
        if (walking && dockerfiles.length < BATCH) await new Promise<void>((resolve) => (wake = resolve));
        else if (dockerfiles.length) await this.readBatch(dockerfiles.splice(0, BATCH), found, token);
        else return;
      }
    })();
    const folders = await Promise.all(
      this.rules.map((rules) =>
        this.findScanned(rules, token, (file) => {
          if (file[1] !== 'dockerfile') return;
          dockerfiles.push(file);
          if (dockerfiles.length >= BATCH) wake?.();
        }),
      ),
    );
    walking = false;
    wake?.();
    const walked = performance.now();
    await reading;
    if (token.isCancellationRequested) return { walked, read: walked, wanted: walked };
    for (const { envFiles } of folders) {
      const envTexts = await Promise.all(envFiles.map((uri) => this.readText(uri)));
      envFiles.forEach((uri, i) => this.index.setResource(uri.toString(), envTexts[i]));
    }
    const others = folders.flatMap(({ buildFiles }) => buildFiles.filter(([, kind]) => kind !== 'dockerfile'));
    for (let i = 0; i < others.length; i += BATCH) await this.readBatch(others.slice(i, i + BATCH), found, token);
    const read = performance.now();
    // Files another Compose file includes are build files though the scan does not find them by name.
    for (const file of this.index.files()) if (!found.has(file.path) && !this.index.isIncluded(file.path)) this.index.delete(file.path);
    await this.loadWanted();
    return { walked, read, wanted: performance.now() };
  }

  /** Reads some build files at once, then indexes them in slices, yielding to the extension host between them. */
  private async readBatch(batch: readonly Found[], found: Set<string>, token: vscode.CancellationToken): Promise<void> {
    const texts = await Promise.all(batch.map(([uri]) => this.readText(uri)));
    const slice = new TimeSlice(SLICE_MS);
    for (const [k, [uri, kind]] of batch.entries()) {
      if (token.isCancellationRequested) return;
      const text = texts[k];
      if (text === undefined) continue;
      found.add(uri.toString());
      this.index.set(uri.toString(), text, kind);
      if (slice.spent) await slice.yield();
    }
    // The whole batch: a view asking for its first rows gets more files than it shows expanded.
    if (found.size) this.firstFilesIn();
    await slice.yield();
  }

  /**
   * A folder's build files and `.env` files, excluded folders left out; `onFound` hears of each build file as it is
   * found. On disk, walked with Node's `fs` (excluded folders never opened); elsewhere (a remote or virtual file
   * system), found through VS Code's search.
   */
  private async findScanned(rules: FolderRules, token: vscode.CancellationToken, onFound: (file: Found) => void): Promise<{ envFiles: vscode.Uri[]; buildFiles: Found[] }> {
    const envFiles: vscode.Uri[] = [];
    const buildFiles = new Map<string, Found>();
    const add = (uri: vscode.Uri, relative: string): void => {
      const kind = rules.matcher.kindOf(relative);
      const key = uri.toString();
      if (kind && !buildFiles.has(key)) {
        buildFiles.set(key, [uri, kind]);
        onFound([uri, kind]);
      } else if (!kind && (relative === '.env' || relative.endsWith('/.env'))) envFiles.push(uri);
    };
    const root = rules.folder.uri;
    if (root.scheme === 'file') {
      const wanted = (relative: string) => relative === '.env' || relative.endsWith('/.env') || rules.matcher.kindOf(relative) !== undefined;
      await walkFolder(root.fsPath, { excluded: rules.excludedInWalk, wanted, found: (relative) => add(vscode.Uri.joinPath(root, relative), relative), cancelled: () => token.isCancellationRequested });
    } else {
      for (const glob of ['**/.env', ...rules.globs]) {
        for (const uri of await vscode.workspace.findFiles(new vscode.RelativePattern(rules.folder, glob), undefined, undefined, token)) {
          const relative = vscode.workspace.asRelativePath(uri, false);
          if (!rules.excluded(relative)) add(uri, relative);
        }
      }
    }
    return { envFiles, buildFiles: [...buildFiles.values()] };
  }

  /** Reads the files that build files depend on (`.env`, linked Dockerfiles, override files). */
  private async loadWanted(): Promise<void> {
    for (let wanted = this.index.wanted(), rounds = 0; wanted.length && rounds < 5; wanted = this.index.wanted(), rounds++) {
      const texts = await Promise.all(wanted.map((path) => this.readText(vscode.Uri.parse(path))));
      wanted.forEach((path, i) => this.index.setResource(path, texts[i]));
    }
  }

  private readonly wantedSoon = debounce(() => void this.loadWanted(), 20, { restart: false });

  /**
   * Open editors win over disk: they may hold unsaved edits. Files on disk are read with Node's `fs`; VS Code's
   * `workspace.fs`, which adds its provider layer to each of a large workspace's reads, only for other file systems.
   */
  private async readText(uri: vscode.Uri): Promise<string | undefined> {
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    return open ? open.getText() : this.readDisk(uri);
  }

  private async readDisk(uri: vscode.Uri): Promise<string | undefined> {
    try {
      // The decoder drops a byte order mark, as editors do.
      return this.decoder.decode(uri.scheme === 'file' ? await readFileBytes(uri.fsPath) : await vscode.workspace.fs.readFile(uri));
    } catch {
      return undefined; // deleted meanwhile: the watcher's delete event follows
    }
  }

  /**
   * One recursive watcher per folder: several overlapping ones made VS Code's watcher drop or delay events
   * for files created in new folders. Build files are re-read by kind; files build files read (a `.env`,
   * a `Dockerfile-dev` a Compose file builds, an `extends` base) as resources; a deleted folder drops
   * every build file under it. On disk, the folders that appear are walked and watched here too: VS Code's watcher
   * may never watch a folder made inside a new one (src/workspace/newFolderWatcher.ts says why). Those watches are
   * kept while their workspace folder is open: VS Code's watcher does not watch those folders after a re-scan either.
   */
  private watch(): void {
    for (const w of this.watchers) w.dispose();
    this.watchers = [];
    const open = new Set(this.rules.map((r) => r.folder.uri.toString()));
    for (const [folder, watcher] of this.newFolders) {
      if (open.has(folder)) continue;
      watcher.dispose();
      this.newFolders.delete(folder);
    }
    for (const rules of this.rules) {
      const root = rules.folder.uri;
      const newFolders = root.scheme === 'file' ? this.watchNewFolders(rules) : undefined;
      const relative = (uri: vscode.Uri) => uri.path.slice(root.path.replace(/\/$/, '').length + 1);
      const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(rules.folder, '**'));
      watcher.onDidCreate((uri) => {
        this.diskChanged(uri, rules);
        if (!newFolders) void this.folderCreated(uri, rules);
        else if (!this.kindOf(uri, rules)) newFolders.created(relative(uri));
      });
      watcher.onDidChange((uri) => this.diskChanged(uri, rules));
      watcher.onDidDelete((uri) => {
        this.deleted(uri);
        newFolders?.deleted(relative(uri));
      });
      this.watchers.push(watcher);
    }
  }

  private watchNewFolders(rules: FolderRules): NewFolderWatcher {
    const root = rules.folder.uri;
    const uri = (relative: string) => vscode.Uri.joinPath(root, relative);
    const options = {
      excluded: rules.excluded,
      wanted: (relative: string) => rules.matcher.kindOf(relative) !== undefined || relative === '.env' || relative.endsWith('/.env'),
      changed: (relative: string) => this.diskChanged(uri(relative), rules),
      deleted: (relative: string) => this.deleted(uri(relative)),
      unwatched: (count: number) =>
        this.log.warn(
          `${count} new ${count === 1 ? 'folder is' : 'folders are'} not watched for changes in ${root.fsPath} (at most ${MAX_WATCHED_FOLDERS} new folders are, each an inotify watch): their build files were read, and later changes in them show after a Refresh`,
        ),
    };
    let watcher = this.newFolders.get(root.toString());
    if (watcher) watcher.setOptions(options);
    else this.newFolders.set(root.toString(), (watcher = new NewFolderWatcher(root.fsPath, options)));
    return watcher;
  }


  private deleted(uri: vscode.Uri): void {
    const key = uri.toString();
    if (this.index.isResource(key)) this.index.setResource(key, undefined);
    const prefix = key.endsWith('/') ? key : `${key}/`;
    for (const file of this.index.files()) {
      if (file.path === key || file.path.startsWith(prefix)) this.index.delete(file.path);
    }
  }

  /**
   * Files written into a folder as it is created can come before the watcher watches that folder: on a remote or
   * virtual file system, a new folder's build files are found through VS Code's search.
   */
  private async folderCreated(uri: vscode.Uri, rules: FolderRules): Promise<void> {
    if (this.kindOf(uri, rules)) return;
    const stat = await Promise.resolve(vscode.workspace.fs.stat(uri)).catch(() => undefined);
    if (!stat || !(stat.type & vscode.FileType.Directory)) return;
    for (const glob of rules.globs) {
      for (const file of await vscode.workspace.findFiles(new vscode.RelativePattern(uri, glob))) {
        if (!this.index.has(file.toString())) this.diskChanged(file, rules);
      }
    }
  }

  private diskChanged(uri: vscode.Uri, rules: FolderRules): void {
    const key = uri.toString();
    const kind = this.kindOf(uri, rules);
    if (!kind) {
      // The scan does not ask for a missing `.env`: a new one arrives here.
      if (this.index.isResource(key) || uri.path.endsWith('/.env')) void this.readText(uri).then((text) => this.index.setResource(key, text));
      return;
    }
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === key);
    if (open?.isDirty) return; // the editor's text stays authoritative until saved or reverted
    void this.readText(uri).then((text) => {
      if (text !== undefined) this.setIfChanged(key, text, kind);
    });
  }

  /**
   * Gives the index a build file's text unless it has that text already: opening, closing or saving a file
   * changes nothing, and each change costs every listener a pass (the tree, the checks, the lookups).
   */
  private setIfChanged(path: string, text: string, kind: BuildFileKind): void {
    if (this.index.text(path) !== text || this.index.get(path)?.kind !== kind) this.index.set(path, text, kind);
  }


  private documentChanged(doc: vscode.TextDocument): void {
    const rules = this.rulesFor(doc.uri);
    const kind = rules && this.kindOf(doc.uri, rules);
    const key = doc.uri.toString();
    if (!kind) {
      // An open file that build files read (an included Compose file, a linked Dockerfile): its edits count.
      if (this.index.isResource(key)) this.whenTypingPauses(key, () => this.index.setResource(key, doc.getText()));
      return;
    }
    this.whenTypingPauses(key, () => {
      if (!doc.isClosed) this.setIfChanged(key, doc.getText(), kind);
    });
  }

  /** Puts a document's pending edit in the index now, not once typing pauses: something shows that document. */
  settle(path: string): void {
    if (!this.pendingEdits.has(path)) return;
    this.editsSettled.cancel(path);
    this.applyEdit(path);
  }

  /** Runs `update` once typing pauses; `whenIndexed()` runs pending updates at once. */
  private whenTypingPauses(key: string, update: () => void): void {
    this.pendingEdits.set(key, update);
    this.editsSettled(key);
  }

  private applyEdit(key: string): void {
    const update = this.pendingEdits.get(key);
    this.pendingEdits.delete(key);
    update?.();
  }

  /** A closed editor may have discarded unsaved edits: disk is the truth again. */
  private documentClosed(doc: vscode.TextDocument): void {
    const key = doc.uri.toString();
    this.editsSettled.cancel(key);
    this.pendingEdits.delete(key);
    if (this.index.isResource(key)) {
      void this.readText(doc.uri).then((text) => this.index.setResource(key, text));
      return;
    }
    if (!this.index.has(key)) return;
    const kind = this.index.get(key)?.kind ?? 'dockerfile';
    void this.readDisk(doc.uri).then((text) => (text === undefined ? this.index.delete(key) : this.setIfChanged(key, text, kind)));
  }

  /**
   * Whether the scan reads the file at `path` (a build file by name or a `.env`, in a workspace folder, not
   * excluded): if the index has no such file, it does not exist. Any other file a build file needs is asked for.
   */
  scans(path: string): boolean {
    if (!isScannedName(path)) return false;
    let scanned = this.scannedPaths.get(path);
    if (scanned === undefined) {
      const uri = vscode.Uri.parse(path);
      const rules = this.rulesFor(uri);
      scanned = rules !== undefined && !this.isExcluded(uri, rules);
      this.scannedPaths.set(path, scanned);
    }
    return scanned;
  }

  private rulesFor(uri: vscode.Uri): FolderRules | undefined {
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    return folder && this.rules.find((r) => r.folder.uri.toString() === folder.uri.toString());
  }

  private kindOf(uri: vscode.Uri, rules: FolderRules): BuildFileKind | undefined {
    const relative = vscode.workspace.asRelativePath(uri, false);
    return rules.excluded(relative) ? undefined : rules.matcher.kindOf(relative);
  }

  private isExcluded(uri: vscode.Uri, rules: FolderRules): boolean {
    return rules.excluded(vscode.workspace.asRelativePath(uri, false));
  }

  private updateHasBuildFiles(): void {
    const has = this.index.size > 0;
    if (has === this.hasBuildFiles) return;
    this.hasBuildFiles = has;
    void vscode.commands.executeCommand('setContext', ContextKeys.hasBuildFiles, has);
  }

  dispose(): void {
    this.scanSource?.cancel();
    this.wantedSoon.dispose();
    this.editsSettled.dispose();
    for (const d of [...this.watchers, ...this.newFolders.values(), ...this.disposables]) d.dispose();
  }
}

function folderRules(folder: vscode.WorkspaceFolder): FolderRules {
  const { dockerfileGlobs, exclude } = readSettings(folder.uri);
  const excludes = [...filesExclude(folder.uri), ...exclude];
  return {
    folder,
    matcher: new BuildFileMatcher(dockerfileGlobs),
    globs: [BUILD_FILE_GLOB, ...dockerfileGlobs.filter((g) => g.trim() !== '')],
    excluded: pathExcluder(excludes),
    excludedInWalk: globMatcher(excludes),
  };
}
