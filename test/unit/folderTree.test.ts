// A large workspace's Images view grouped by file, as the Explorer shows folders. Expected rows follow
// microsoft/vscode src/vs/workbench/contrib/files/browser/views/explorerViewer.ts, ExplorerCompressionDelegate
// .isIncompressible: a workspace folder, a file, or a folder right under a workspace folder never joins the row
// above it; any other folder that is its parent's only child does ("a/b/c", explorer.compactFolders).
import * as assert from 'node:assert/strict';
import { folderTree } from '../../src/workspace/folderTree';

const noProblems = () => 0;

describe('folder rows of a large workspace', () => {
  it('lists one workspace folder\'s contents: folders by name, chains of lone folders in one row, then its files', () => {
    const paths = ['file:///ws/Dockerfile', 'file:///ws/a/b/c/Dockerfile', 'file:///ws/a/b/c/d/compose.yaml', 'file:///ws/z/Dockerfile', 'file:///ws/m/Dockerfile'];
    const tree = folderTree(paths, [{ uri: 'file:///ws', name: 'ws' }], (path) => (path.endsWith('compose.yaml') ? 2 : 0));
    assert.deepEqual(tree.top, [
      { type: 'folder', path: 'file:///ws/a/b/c' },
      { type: 'folder', path: 'file:///ws/m' },
      { type: 'folder', path: 'file:///ws/z' },
      { type: 'file', path: 'file:///ws/Dockerfile' },
    ]);
    assert.deepEqual(tree.folders.get('file:///ws/a/b/c'), {
      label: 'a/b/c',
      parent: undefined,
      folders: ['file:///ws/a/b/c/d'],
      files: ['file:///ws/a/b/c/Dockerfile'],
      count: 2,
      problems: 2,
    });
    assert.deepEqual(tree.folders.get('file:///ws/a/b/c/d'), { label: 'd', parent: 'file:///ws/a/b/c', folders: [], files: ['file:///ws/a/b/c/d/compose.yaml'], count: 1, problems: 2 });
    assert.equal(tree.parentOf.get('file:///ws/a/b/c/d/compose.yaml'), 'file:///ws/a/b/c/d');
    // At the top level: no folder row to reveal it under.
    assert.equal(tree.parentOf.get('file:///ws/Dockerfile'), undefined);
  });

  it('gives each workspace folder of a multi-root workspace a row of its own, never joined with its only folder', () => {
    const paths = ['file:///one/svc/api/Dockerfile', 'file:///two/Dockerfile', 'file:///two/x/Dockerfile'];
    const tree = folderTree(paths, [{ uri: 'file:///two', name: 'Two' }, { uri: 'file:///one', name: 'One' }], noProblems);
    // In the workspace's order, named as the workspace names them.
    assert.deepEqual(tree.top, [
      { type: 'folder', path: 'file:///two' },
      { type: 'folder', path: 'file:///one' },
    ]);
    assert.deepEqual(
      [...tree.folders].map(([key, row]) => [key, row.label, row.parent, row.count]),
      [
        ['file:///two', 'Two', undefined, 2],
        ['file:///two/x', 'x', 'file:///two', 1],
        ['file:///one', 'One', undefined, 1],
        ['file:///one/svc/api', 'svc/api', 'file:///one', 1],
      ],
    );
    assert.equal(tree.parentOf.get('file:///two/Dockerfile'), 'file:///two');
  });

  it('lists files outside the workspace folders under their folders from the root, names decoded', () => {
    const paths = ['file:///elsewhere/my%20app/Dockerfile', 'file:///ws/Dockerfile'];
    const tree = folderTree(paths, [{ uri: 'file:///ws', name: 'ws' }], noProblems);
    assert.deepEqual(tree.top, [
      { type: 'folder', path: 'file:///elsewhere/my%20app' },
      { type: 'file', path: 'file:///ws/Dockerfile' },
    ]);
    assert.equal(tree.folders.get('file:///elsewhere/my%20app')?.label, 'elsewhere/my app');
  });
});
