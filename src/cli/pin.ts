// `image-provenance pin [--update] [--platform os/arch] [--dry-run] [paths…]`: the edits Pin All in Workspace
// (or, with --update, Update Stale Pins) makes in the editor, made by the same core (src/pin/pinAll.ts) and
// written to the files, or printed as a unified diff. A digest is written only once its manifest was fetched
// and hashed; a file that changed on disk meanwhile is left alone.

import { readFileSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatMessage } from '../model/messages';
import { filesToPin, applyBulk, lookUpBulk, planBulk, type BulkSkip, type FileOutcome } from '../pin/pinAll';
import type { PinLookups } from '../pin/chooseDigest';
import { applyEdits, type ArgPinForm, type PinEdit } from '../pin/planEdits';
import { pulledImage } from '../model/buildFile';
import { RegistryClient } from '../registry/client';
import { dockerCredentialStore } from '../registry/credentials';
import { describeImage } from '../registry/imageDetails';
import { EXIT, parseOptions, platformOption, UsageError, type CliCommand, type CliIo } from './command';
import { progressLine } from './progressLine';
import { cliRegistrySettings, WORKSPACE_SETTINGS } from './settings';
import { unifiedDiff } from './unifiedDiff';
import { indexWorkspace } from './workspaceFiles';
import { readCheckSettings } from './workspaceSettings';

const USAGE = `Usage: image-provenance pin [--update] [--platform os/arch[/variant]] [--dry-run] [paths…]

Pins every image the build files pull to the digest its tag points to now (name:tag@sha256:…), as Pin All in
Workspace does in the editor; with --update, moves every stale pin to the tag's digest now, as Update Stale
Pins does. A digest is written only after its manifest was fetched and its bytes hashed to it.

Arguments:
  paths…                        folders to scan and build files to pin (default: the current folder, whose
                                ${WORKSPACE_SETTINGS} settings apply, as in the editor)
Options:
  --update                      only move stale pins (default: pin what is not pinned)
  --platform os/arch[/variant]  pin each image to its image for this platform instead of its index
  --dry-run                     print the edits as a unified diff; change nothing
  -h, --help                    this help

Exit codes: 0 done, 1 a lookup failed or a file could not be written (the rest is written), 2 usage error.
`;

export const pinCommand: CliCommand = {
  name: 'pin',
  summary: 'pin images by digest, or update stale pins (the editor\'s Pin All)',
  usage: USAGE,
  run: async (argv, io) => {
    const { values, positionals } = parseOptions(argv, { update: { type: 'boolean' }, platform: { type: 'string' }, 'dry-run': { type: 'boolean' } });
    const platform = platformOption(values.platform);
    if (platform !== undefined && values.update) throw new UsageError('--platform pins unpinned images to one platform; --update keeps each pin on its own platform');
    return pin(positionals, { update: values.update === true, platform, dryRun: values['dry-run'] === true }, io);
  },
};

interface PinOptions {
  readonly update: boolean;
  readonly platform: string | undefined;
  readonly dryRun: boolean;
}

async function pin(paths: readonly string[], options: PinOptions, io: CliIo): Promise<number> {
  const warn = (problem: string) => io.stderr(`image-provenance: warning: ${problem}\n`);
  const { settings, problems } = readCheckSettings(io.cwd);
  if (problems.length) {
    for (const problem of problems) io.stderr(`image-provenance: ${problem}\n`);
    return EXIT.usage;
  }
  const index = await indexWorkspace(io.cwd, paths, settings, warn);
  const files = filesToPin(index);
  const registries = [...new Set(files.flatMap((f) => f.uses.map((u) => pulledImage(u)?.registry).filter((r): r is string => r !== undefined)))];
  const client = new RegistryClient({ settings: cliRegistrySettings(registries, io.env, settings.values, warn), credentials: dockerCredentialStore({ env: io.env, onProblem: warn }) });
  const lookups: PinLookups = {
    describe: (ref, signal) => describeImage(client, ref, signal),
    verify: async (ref, digest, signal) => void (await client.manifest(ref, { digest, ...(signal && { signal }) })),
  };
  const bulk = { mode: options.update ? ('update' as const) : ('pin' as const), argSetting: argSetting(settings.values['imageProvenance.pinning.argReferences']), ...(options.platform !== undefined && { platform: options.platform }) };
  try {
    const progress = progressLine(io);
    const found = await lookUpBulk(files, lookups, bulk, { progress: (done, total) => progress.show(`Looked up ${done} of ${total}`, done === total) }).finally(() => progress.done());
    const { plan, skipped } = planBulk(files, found, bulk, (path) => shown(io.cwd, path));
    const diffs: string[] = [];
    const apply = async (path: string, edits: readonly PinEdit[]): Promise<FileOutcome> => {
      const file = fileURLToPath(path);
      const before = readFileSync(file, 'utf8');
      // Changed on disk since it was read: the plan no longer says what is there.
      if (before !== index.text(path)) return { applied: [] };
      const { text, skipped: notApplied } = applyEdits(before, edits);
      if (options.dryRun) diffs.push(unifiedDiff(`a/${shown(io.cwd, path)}`, `b/${shown(io.cwd, path)}`, before, text));
      else writeFileSync(file, text);
      return { applied: edits.filter((e) => !notApplied.includes(e)) };
    };
    const run = await applyBulk(plan, skipped, apply);
    if (options.dryRun) io.stdout(diffs.join(''));
    else for (const c of run.changed) io.stdout(`${shown(io.cwd, c.path)}:${c.line}: ${c.image} → ${c.digest}\n`);
    for (const s of run.skipped) io.stderr(`${skipLine(io.cwd, s)}\n`);
    // Edits planned but not written: a file changed on disk meanwhile.
    const unwritten = run.skipped.length - skipped.length;
    return found.failures.size > 0 || unwritten > 0 ? EXIT.failed : EXIT.ok;
  } finally {
    await client.close();
  }
}

/** `app/Dockerfile:3: node:22 — registry unreachable …`: where, what, why, as the editor's log has it. */
function skipLine(cwd: string, s: BulkSkip): string {
  return `${shown(cwd, s.path)}:${s.line}: ${s.image} — skipped: ${formatMessage(s.reason)}`;
}

/** A file of the index as the user names it: relative to where the tool runs (an inline Dockerfile keeps its `#n`). */
function shown(cwd: string, uri: string): string {
  const [path, inline] = uri.split('#');
  return relative(cwd, fileURLToPath(path!)) + (inline !== undefined ? `#${inline}` : '');
}

function argSetting(value: unknown): ArgPinForm | 'ask' {
  return value === 'digestAfterExpansion' || value === 'companionArg' ? value : 'ask';
}
