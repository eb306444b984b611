// Web links for where an image says it was built from: the repository and the commit, from provenance
// (`vcs:source` / `vcs:revision`, buildx build/git.go) or the OCI annotations `org.opencontainers.image.source` /
// `revision`. Registry data is hostile: only https URLs on a plain host with a plain path become links, and a
// commit link only for a hex revision on a forge whose commit pages we know. Pure: no vscode.

export interface SourceLinks {
  repository?: string;
  commit?: string;
}

/** Commit pages per forge: GitHub `/commit/<sha>`, GitLab `/-/commit/<sha>`, Bitbucket `/commits/<sha>`. */
const COMMIT_PATHS: Readonly<Record<string, string>> = {
  'github.com': '/commit/',
  'gitlab.com': '/-/commit/',
  'bitbucket.org': '/commits/',
};

/**
 * `https://github.com/org/repo.git`, `git@github.com:org/repo.git` and `ssh://git@github.com/org/repo` (what buildx
 * records from a checkout's remote) → `https://github.com/org/repo`; anything else that is not a plain https URL
 * gives no link.
 */
export function sourceLinks(repository: string | undefined, revision: string | undefined): SourceLinks {
  const web = repository === undefined ? undefined : webUrl(repository.trim());
  if (web === undefined) return {};
  const commitPath = COMMIT_PATHS[new URL(web).host];
  const commit = commitPath !== undefined && revision !== undefined && /^[0-9a-f]{7,64}$/i.test(revision) ? `${web}${commitPath}${revision}` : undefined;
  return { repository: web, ...(commit && { commit }) };
}

/**
 * A web link for a URL found in registry data (a repository, a builder id, a material), or undefined: https only,
 * on a plain host with a plain path; a Git remote's forms become its https page.
 */
export function webUrl(text: string): string | undefined {
  const scp = /^git@([a-z0-9.-]+):([^\s:]+)$/i.exec(text);
  const candidate = scp ? `https://${scp[1]}/${scp[2]}` : text.replace(/^(?:ssh:\/\/git@|git:\/\/|git\+https:\/\/)/i, 'https://');
  let url: URL;
  try {
    url = new URL(candidate);
  } catch {
    return undefined;
  }
  // No credentials, port, query or fragment; a host of letters, digits, dots and dashes; a path of plain characters.
  if (url.protocol !== 'https:' || url.username || url.password || url.port || url.search || url.hash) return undefined;
  if (!/^[a-z0-9.-]+$/.test(url.host) || !/^[A-Za-z0-9._~/-]*$/.test(url.pathname)) return undefined;
  const path = url.pathname.replace(/\.git$/, '').replace(/\/+$/, '');
  return path === '' ? undefined : `https://${url.host}${path}`;
}
