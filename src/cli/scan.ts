// `image-provenance scan [paths…]`: the workspace's images as the Images view shows them, grouped by file:
// files → stages, services and targets (a Bake group's targets under it) → images, and under a service or target
// that builds, the Dockerfile it builds as that build sees it (its args and named contexts applied). No registry
// is asked: it is what the files say.

import { imageUseState, type BuildFile } from '../model/buildFile';
import { familiarName } from '../reference/imageReference';
import type { BuildFileIndex } from '../workspace/buildFileIndex';
import { displayPath } from './check';
import { EXIT, parseOptions, UsageError, type CliCommand } from './command';
import { WORKSPACE_SETTINGS } from './settings';
import { indexFolder } from './workspaceFiles';
import { readCheckSettings } from './workspaceSettings';

const USAGE = `Usage: image-provenance scan [paths…] [--format text|json]

Lists the images of the Dockerfiles, Compose files and Docker Bake files under the paths (default: the current
folder) as the editor's Images view shows them: each file, its stages, services and targets, the images each
pulls (as written, and as resolved when variables were substituted), and the Dockerfile a service or target
builds, as that build sees it. Reads dockerfileGlobs, buildVariables and files.exclude from ${WORKSPACE_SETTINGS}.
No registry is asked.

Options:
  --format text|json   text (default): an indented tree; json: the same tree as objects
  -h, --help           this help

Exit codes: 0 done, 2 usage or configuration error.
`;

export interface ScanImage {
  readonly image: string;
  readonly written: string;
  readonly kind: string;
  readonly line: number;
  /** pinned, unpinned, unresolved, notPinnable, notBuilt: as the view's icon says. */
  readonly state: string;
  readonly platform?: string;
}

export interface ScanUnit {
  readonly kind: string;
  readonly name: string;
  readonly images: ScanImage[];
  /** A Bake group's targets. */
  readonly units?: ScanUnit[];
  /** The Dockerfile a service or target builds, as it builds it. */
  readonly builds?: ScanFile[];
}

export interface ScanFile {
  readonly file: string;
  readonly kind?: string;
  readonly images: ScanImage[];
  readonly units: ScanUnit[];
}

export const scanCommand: CliCommand = {
  name: 'scan',
  summary: 'the images of the workspace as the Images view shows them: files, stages, services, targets',
  usage: USAGE,
  async run(argv, io) {
    const { values, positionals } = parseOptions(argv, { format: { type: 'string' } });
    const format = values.format ?? 'text';
    if (format !== 'text' && format !== 'json') throw new UsageError(`--format "${format}" is not one of text, json`);
    const { settings, problems } = readCheckSettings(io.cwd);
    if (problems.length) {
      for (const problem of problems) io.stderr(`image-provenance: ${problem}\n`);
      return EXIT.usage;
    }
    const index = await indexFolder({ root: io.cwd, paths: positionals, dockerfileGlobs: settings.dockerfileGlobs, exclude: settings.filesExclude, variables: settings.buildVariables, scanned: () => false, warn: (text) => io.stderr(`image-provenance: warning: ${text}\n`) });
    const tree = scanTree(index, io.cwd);
    io.stdout(format === 'json' ? `${JSON.stringify(tree, null, 2)}\n` : textTree(tree));
    return EXIT.ok;
  },
};

export function scanTree(index: BuildFileIndex, cwd: string): ScanFile[] {
  return index.files().map((file) => fileNode(index, file, cwd, true));
}

function fileNode(index: BuildFileIndex, file: BuildFile, cwd: string, withBuilds: boolean, kind: string | undefined = file.kind): ScanFile {
  const path = file.path.includes('#') ? 'inline Dockerfile' : displayPath(file.path, cwd);
  const unitNode = (i: number): ScanUnit => {
    const unit = file.units[i]!;
    const builds = withBuilds ? (file.builds ?? []).flatMap((b, n) => (b.unit === i ? [index.linked(file.path, n)] : [])).filter((f): f is BuildFile => f !== undefined) : [];
    return {
      kind: unit.kind,
      name: unit.name ?? String(unit.index),
      images: images(file, i),
      ...(unit.members && { units: unit.members.map(unitNode) }),
      ...(builds.length && { builds: builds.map((b) => fileNode(index, b, cwd, false, undefined)) }),
    };
  };
  return {
    file: path,
    ...(kind !== undefined && { kind }),
    images: images(file, undefined),
    // A Bake group's targets are listed under it and at the file's level, as the view lists them.
    units: file.units.map((_, i) => unitNode(i)),
  };
}

function images(file: BuildFile, unit: number | undefined): ScanImage[] {
  return file.uses
    .filter((u) => u.unit === unit)
    .map((use) => {
      return {
        image: use.reference ? familiarName(use.reference) : use.text,
        written: use.text,
        kind: use.kind,
        line: use.range.start.line + 1,
        state: imageUseState(use),
        ...(use.platform !== undefined && { platform: use.platform }),
      };
    });
}

function textTree(files: readonly ScanFile[]): string {
  const lines: string[] = [];
  const image = (i: ScanImage, depth: number) => lines.push(`${'  '.repeat(depth)}${i.image}  (${i.kind}, line ${i.line}, ${i.state}${i.platform ? `, --platform=${i.platform}` : ''}${i.written !== i.image ? `, written ${i.written}` : ''})`);
  const unit = (u: ScanUnit, depth: number) => {
    lines.push(`${'  '.repeat(depth)}${u.kind} ${u.name}`);
    for (const i of u.images) image(i, depth + 1);
    for (const member of u.units ?? []) unit(member, depth + 1);
    for (const b of u.builds ?? []) file(b, depth + 1, 'builds ');
  };
  const file = (f: ScanFile, depth: number, prefix = '') => {
    lines.push(`${'  '.repeat(depth)}${prefix}${f.file}`);
    for (const i of f.images) image(i, depth + 1);
    for (const u of f.units) unit(u, depth + 1);
  };
  for (const f of files) file(f, 0);
  if (!files.length) lines.push('No build files found');
  return `${lines.join('\n')}\n`;
}
