// Links the hover makes from where an image says it was built: only plain https pages, a commit page only on
// forges whose URL scheme for commits is known. Expected URLs written by hand from the forges' URL schemes
// (github.com/<org>/<repo>/commit/<sha>, gitlab.com/<group>/<project>/-/commit/<sha>,
// bitbucket.org/<workspace>/<repo>/commits/<sha>) and from what buildx records as `vcs:source` (docker/buildx
// build/git.go: the checkout's remote URL, `https://…` or `git@host:path`).
import * as assert from 'node:assert/strict';
import { sourceLinks } from '../../src/attest/sourceLinks';

const SHA = '8f3c2a1b9d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a';

describe('source links (unit)', () => {
  it('links a GitHub remote and its commit, with or without .git, from https, scp-like and ssh forms', () => {
    const expected = { repository: 'https://github.com/acme/base-images', commit: `https://github.com/acme/base-images/commit/${SHA}` };
    for (const remote of ['https://github.com/acme/base-images', 'https://github.com/acme/base-images.git', 'git@github.com:acme/base-images.git', 'ssh://git@github.com/acme/base-images.git']) {
      assert.deepEqual(sourceLinks(remote, SHA), expected, remote);
    }
  });

  it('uses each forge\'s commit page, and links only the repository on other hosts', () => {
    assert.equal(sourceLinks('https://gitlab.com/group/sub/project.git', SHA).commit, `https://gitlab.com/group/sub/project/-/commit/${SHA}`);
    assert.equal(sourceLinks('https://bitbucket.org/team/repo', SHA).commit, `https://bitbucket.org/team/repo/commits/${SHA}`);
    assert.deepEqual(sourceLinks('https://git.example.com/team/repo.git', SHA), { repository: 'https://git.example.com/team/repo' });
  });

  it('gives no commit link for a revision that is not a commit hash (a tag or branch name)', () => {
    assert.deepEqual(sourceLinks('https://github.com/acme/app', 'v1.2.3'), { repository: 'https://github.com/acme/app' });
    assert.deepEqual(sourceLinks('https://github.com/acme/app', undefined), { repository: 'https://github.com/acme/app' });
  });

  it('links nothing that is not a plain https page: other schemes, credentials, ports, queries, odd characters', () => {
    for (const hostile of [
      'http://github.com/acme/app',
      'javascript:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      'https://user:token@github.com/acme/app',
      'https://github.com:8443/acme/app',
      'https://github.com/acme/app?x=1',
      'https://github.com/acme/app#readme',
      'https://github.com/acme/a)b',
      'https://github.com/acme/app "title"',
      'https://github.com',
      'file:///etc/passwd',
      'not a url',
    ]) {
      assert.deepEqual(sourceLinks(hostile, SHA), {}, hostile);
    }
  });
});
