import * as assert from 'node:assert/strict';
import fc from 'fast-check';
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
    ['file:///w', '.env', 'file:///w/.env'],
    ['file:///w', '.', 'file:///w'],
    ['file:///w', '/abs', 'file:///abs'],
    ['/w//x', '.env', '/w/x/.env'],
    ['/w/.git', '.', '/w/.git'],
    ['/w', '/a//b/', '/a/b'],
    ['w', '.env', '/w/.env'],
  ];
  for (const [base, rel, expected] of cases) {
    it(`${base} + ${rel} → ${expected}`, () => assert.equal(resolvePath(base, rel), expected));
  }
  it('short-cuts only what normalizing would give anyway', () => {
    // The resolution with no short-cut but the oldest one (a plain name below a clean base).
    const URI_PREFIX = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/]*/;
    const reference = (base: string, rel: string): string => {
      if (URI_PREFIX.test(rel)) return rel;
      const prefix = URI_PREFIX.exec(base)?.[0] ?? '';
      const safe = (s: string) => {
        try {
          decodeURIComponent(s);
          return s;
        } catch {
          return encodeURIComponent(s);
        }
      };
      const encoded = prefix ? rel.split('/').map((s) => encodeURIComponent(decodeURIComponent(safe(s)))).join('/') : rel;
      const joined = encoded.startsWith('/') ? encoded : `${base.slice(prefix.length)}/${encoded}`;
      const out: string[] = [];
      for (const segment of joined.split('/')) {
        if (segment === '' || segment === '.') continue;
        if (segment === '..') out.pop();
        else out.push(segment);
      }
      return `${prefix}/${out.join('/')}`;
    };
    const segment = fc.constantFrom('w', 'app', '.', '..', '.env', '.git', '..x', '', 'a b', '%41', '%zz', 'é');
    const path = fc.tuple(fc.constantFrom('', '/', 'file://', 'file:///', 'vscode-remote://h/'), fc.array(segment, { maxLength: 4 }), fc.constantFrom('', '/')).map(([p, s, t]) => p + s.join('/') + t);
    const plainName = /^(?!\.\.?(?:\/|$))[A-Za-z0-9_~-][A-Za-z0-9._~-]*(?:\/(?!\.\.?(?:\/|$))[A-Za-z0-9._~-]+)*$/;
    fc.assert(
      fc.property(path, path, (base, rel) => {
        // The oldest short-cut keeps its own rule (it does not normalize the base).
        if (plainName.test(rel) && !base.endsWith('/') && !base.includes('/.')) return;
        assert.equal(resolvePath(base, rel), reference(base, rel), `${base} + ${rel}`);
      }),
      { numRuns: 5000 },
    );
  });

  it('splits and relates paths', () => {
    assert.equal(dirname('file:///w/app/Dockerfile'), 'file:///w/app');
    assert.equal(dirname('file:///Dockerfile'), 'file:///');
    assert.equal(basename('file:///w/app/compose.yaml'), 'compose.yaml');
    assert.equal(relativePath('/w', '/w/api/Dockerfile'), 'api/Dockerfile');
    assert.equal(relativePath('/w', '/w'), '');
    assert.equal(relativePath('/w', '/other/x'), '/other/x');
  });
});
