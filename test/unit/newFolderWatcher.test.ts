import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { isScannedName, pathExcluder } from '../../src/workspace/buildFilePatterns';
import { MAX_WATCHED_FOLDERS, NewFolderWatcher } from '../../src/workspace/newFolderWatcher';

async function eventually(check: () => boolean, what: () => string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for: ${what()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

// Real folders and Node's real inotify watches (Linux): what VS Code's watcher would have said is given by hand,
// as `created` of the outermost new folder.
describe('watching new folders (real file system)', () => {
  let root: string;
  let watcher: NewFolderWatcher;
  /** The files the watcher reported, as an index keeps them: a deleted folder takes what is under it. */
  let indexed: Set<string>;
  /** The files reported written or changed. */
  let changed: Set<string>;
  const write = (path: string, text = 'FROM alpine\n') => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  };

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'image-provenance-new-folders-'));
    indexed = new Set();
    changed = new Set();
    watcher = new NewFolderWatcher(root, {
      excluded: pathExcluder(['**/node_modules/**']),
      wanted: isScannedName,
      changed: (path) => {
        indexed.add(path);
        changed.add(path);
      },
      deleted: (path) => {
        for (const file of indexed) if (file === path || file.startsWith(`${path}/`)) indexed.delete(file);
      },
    });
  });
  afterEach(() => {
    watcher.dispose();
    rmSync(root, { recursive: true, force: true });
  });

  it('finds the build files of a tree made at once, then hears what happens in its inner folders', async () => {
    for (const path of ['a/b/c/Dockerfile', 'a/b/c/d/compose.yaml', 'a/x/.env', 'a/x/README.md', 'a/node_modules/p/Dockerfile']) write(path);
    const shown = () => JSON.stringify([...indexed].sort());
    watcher.created('a');
    await eventually(() => indexed.size === 3, shown);
    assert.deepEqual([...indexed].sort(), ['a/b/c/Dockerfile', 'a/b/c/d/compose.yaml', 'a/x/.env']);
    // node_modules is neither read nor watched: a, b, c, d and x are.
    assert.equal(watcher.watching, 5);

    changed.clear();
    write('a/b/c/Dockerfile', 'FROM alpine:edge\n');
    write('a/b/c/d/e/f/Dockerfile');
    rmSync(join(root, 'a/x'), { recursive: true });
    await eventually(() => indexed.has('a/b/c/d/e/f/Dockerfile') && !indexed.has('a/x/.env') && changed.has('a/b/c/Dockerfile'), shown);
    assert.deepEqual([...indexed].sort(), ['a/b/c/Dockerfile', 'a/b/c/d/compose.yaml', 'a/b/c/d/e/f/Dockerfile']);
    // x's watch ended; e and f are watched now.
    await eventually(() => watcher.watching === 6, () => String(watcher.watching));
  });

  it('hears a whole subtree deleted and a tree moved in under a folder it watches', async () => {
    write('a/b/c/Dockerfile');
    const shown = () => JSON.stringify([...indexed].sort());
    watcher.created('a');
    await eventually(() => indexed.size === 1, shown);
    const outside = mkdtempSync(join(tmpdir(), 'image-provenance-moved-'));
    try {
      mkdirSync(join(outside, 'm/n'), { recursive: true });
      writeFileSync(join(outside, 'm/n/docker-bake.hcl'), 'target "x" {}\n');
      renameSync(join(outside, 'm'), join(root, 'a/b/m'));
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
    rmSync(join(root, 'a/b/c'), { recursive: true });
    await eventually(() => indexed.size === 1 && indexed.has('a/b/m/n/docker-bake.hcl'), shown);
  });

  it('reads every build file of more new folders than it watches, and says how many it does not watch', async function () {
    this.timeout(30_000);
    // The limit and 5 more: big/ and its folders, a Dockerfile in each of these.
    const folders = Array.from({ length: MAX_WATCHED_FOLDERS + 4 }, (_, i) => `big/f${i}`);
    for (const folder of folders) write(`${folder}/Dockerfile`);
    const told: number[] = [];
    const limited = new NewFolderWatcher(root, {
      excluded: () => false,
      wanted: isScannedName,
      changed: (path) => indexed.add(path),
      deleted: () => undefined,
      unwatched: (count) => told.push(count),
    });
    try {
      limited.created('big');
      await eventually(() => told.length > 0, () => `${indexed.size} files read, ${limited.watching} folders watched`);
      assert.equal(indexed.size, folders.length, 'a folder past the limit was not read');
      assert.equal(limited.watching, MAX_WATCHED_FOLDERS);
      assert.deepEqual(told, [folders.length + 1 - MAX_WATCHED_FOLDERS]);
    } finally {
      limited.dispose();
    }
  });
});
