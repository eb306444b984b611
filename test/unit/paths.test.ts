import * as assert from 'node:assert/strict';
import { basename, dirname, relativePath, resolvePath } from '../../src/model/paths';

describe('paths of build files (plain paths and URI strings)', () => {
  const cases: [base: string, rel: string, expected: string][] = [
    ['/w', 'web', '/w/web'],
    ['/w', 'api/Dockerfile.prod', '/w/api/Dockerfile.prod'],
    ['/w', './web', '/w/web'],
    ['/w', '../x', '/x'],
    ['/w', '.env', '/w/.env'],
    ['/w', '..', '/'],
    ['/w', '.', '/w'],
    ['/w', '..x', '/w/..x'],
    ['/w', 'a/./b', '/w/a/b'],
    ['/w', 'a/../b', '/w/b'],
    ['/w', '/abs/x', '/abs/x'],
    ['/w/', 'x', '/w/x'],
    ['file:///w', 'web', 'file:///w/web'],
    ['file:///w', 'a b/Dockerfile', 'file:///w/a%20b/Dockerfile'],
    ['file:///w/app', '../compose.yaml', 'file:///w/compose.yaml'],
    ['vscode-remote://ssh-remote%2Bhost/w', 'api', 'vscode-remote://ssh-remote%2Bhost/w/api'],
  ];
  for (const [base, rel, expected] of cases) {
    it(`${base} + ${rel} → ${expected}`, () => assert.equal(resolvePath(base, rel), expected));
  }
  it('splits and relates paths', () => {
    assert.equal(dirname('file:///w/app/Dockerfile'), 'file:///w/app');
    assert.equal(dirname('file:///Dockerfile'), 'file:///');
    assert.equal(basename('file:///w/app/compose.yaml'), 'compose.yaml');
    assert.equal(relativePath('/w', '/w/api/Dockerfile'), 'api/Dockerfile');
    assert.equal(relativePath('/w', '/w'), '');
    assert.equal(relativePath('/w', '/other/x'), '/other/x');
  });
});
