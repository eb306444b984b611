// `image-provenance diff <image>@<old> <image>@<new>`: the compare panel's difference of two digests (or tags) of an
// image, as text or JSON: per platform, packages added, removed, changed version or license, and the build's source
// commit, frontend, time, mode and base images. The decisions are the panel's (src/panel/compare.ts); this prints.

import { clientSource } from '../attest/discover';
import { summarizeAttestations } from '../attest/summary';
import { formatMessage } from '../model/messages';
import { compareImages, type BaseImage, type BaseImageChange, type ImageComparison, type PackageDiff, type PackageEntry, type PlatformComparison, type SbomComparison, type SourceFact, type ValueChange } from '../panel/compare';
import { familiarName, type ImageRef } from '../reference/imageReference';
import { EXIT, parseOptions, platformOption, UsageError, type CliCommand, type CliIo } from './command';
import { imageArgument, jsonWithWords, printable, withRegistry } from './imageAccess';

const USAGE = `Usage: image-provenance diff <image>@<old> <image>@<new> [--platform os/arch[/variant]] [--format text|json]

What changes between two digests (or tags) of an image, as the compare panel shows it, per platform: the
packages of its SBOMs added, removed, changed in version or license, and its build (source commit, frontend,
build time, provenance mode, base images) from its provenance. What cannot be compared says why.

  image-provenance diff alpine@sha256:<old> alpine@sha256:<new>
  image-provenance diff node:22.11-slim node:22.12-slim

Options:
  --platform os/arch[/variant]  only this platform (without a variant, every variant of it)
  --format text|json            text (default), or the comparison as JSON
  -h, --help                    this help

Settings, credentials and mirrors as for "image-provenance attestations".
Exit codes: 0 done (whatever the difference), 1 lookup failed, 2 usage error.
`;

export const diffCommand: CliCommand = {
  name: 'diff',
  summary: 'what changes between two digests of an image: packages, licenses, source commit, base images',
  usage: USAGE,
  async run(argv, io) {
    const { values, positionals } = parseOptions(argv, { platform: { type: 'string' }, format: { type: 'string' } });
    const [older, newer, ...extra] = positionals;
    if (older === undefined || newer === undefined) throw new UsageError('diff needs two references of an image, e.g. image-provenance diff alpine@sha256:<old> alpine@sha256:<new>');
    if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
    const format = values.format ?? 'text';
    if (format !== 'text' && format !== 'json') throw new UsageError(`--format "${format}" is not one of text, json`);
    return diff(imageArgument(older), imageArgument(newer), platformOption(values.platform), format, io);
  },
};

async function diff(older: ImageRef, newer: ImageRef, platform: string | undefined, format: 'text' | 'json', io: CliIo): Promise<number> {
  return withRegistry(io, [older, newer], async (client) => {
    const read = async (ref: ImageRef) => {
      const top = await client.manifest(ref);
      return summarizeAttestations(clientSource(client, ref), top, { ...(platform !== undefined && { platform }) });
    };
    const [oldSummary, newSummary] = await Promise.all([read(older), read(newer)]);
    for (const [ref, summary] of [[older, oldSummary], [newer, newSummary]] as const) {
      if (platform !== undefined && summary.platforms.length === 0) {
        io.stderr(`image-provenance: ${familiarName(ref)} has no platform ${platform}; it has ${summary.availablePlatforms.join(', ') || 'none'}\n`);
        return EXIT.failed;
      }
    }
    const comparison = compareImages(oldSummary, newSummary);
    const names = { old: familiarName(older), new: familiarName(newer) };
    io.stdout(format === 'json' ? jsonWithWords({ ...names, comparison }) : renderComparison(names, comparison));
    return EXIT.ok;
  });
}

function renderComparison(names: { old: string; new: string }, c: ImageComparison): string {
  const blocks = [`${names.old}  ${c.old}\n→ ${names.new}  ${c.new}\n`];
  for (const p of c.platforms) blocks.push(renderPlatform(p));
  const only = [...c.onlyOld.map((p) => `Only in the old image: ${p || 'single-platform image'}`), ...c.onlyNew.map((p) => `Only in the new image: ${p || 'single-platform image'}`)];
  if (only.length > 0) blocks.push(`${only.join('\n')}\n`);
  return blocks.join('\n');
}

function renderPlatform(p: PlatformComparison): string {
  const lines = [`${p.platform || 'single-platform image'}  ${p.oldDigest} → ${p.newDigest}`];
  for (const s of p.sboms) lines.push(...sbomLines(s));
  if (p.provenance) {
    const { source, frontend, builtAt, mode, baseImages } = p.provenance;
    lines.push('  Build:');
    lines.push(`    ${'Source'.padEnd(12)}${valueChange(source, sourceText)}`);
    lines.push(`    ${'Frontend'.padEnd(12)}${valueChange(frontend, String)}`);
    lines.push(`    ${'Built'.padEnd(12)}${valueChange(builtAt, String)}`);
    lines.push(`    ${'Mode'.padEnd(12)}${valueChange(mode, String)}`);
    lines.push('  Base images:');
    if (baseImages.length === 0) lines.push('    none recorded');
    for (const b of baseImages) lines.push(`    ${b.status.padEnd(9)}${baseImageText(b)}`);
  }
  for (const n of p.notCompared) lines.push(`  Not compared: ${[n.what, ...n.why].map(formatMessage).join(' ')}`);
  return `${lines.map(printable).join('\n')}\n`;
}

function sbomLines(s: SbomComparison): string[] {
  const scope = formatMessage(s.scopeText);
  if (!s.diff) return [s.oldPackages !== undefined ? `  SBOM of ${scope}: only in the old image (${s.oldPackages} packages)` : `  SBOM of ${scope}: only in the new image (${s.newPackages} packages)`];
  const d: PackageDiff = s.diff;
  const lines = [
    `  SBOM of ${scope}: ${s.oldPackages} → ${s.newPackages} packages; ${d.added.length} added, ${d.removed.length} removed, ${d.changed.length} changed, ${d.licensesChanged.length} relicensed, ${d.unchanged} unchanged`,
  ];
  for (const e of d.added) lines.push(`    added      ${entryText(e)}`);
  for (const e of d.removed) lines.push(`    removed    ${entryText(e)}`);
  for (const e of d.changed) lines.push(`    changed    ${named(e)} ${versions(e.from)} → ${versions(e.to)}`);
  for (const e of d.licensesChanged) lines.push(`    relicensed ${named(e)} ${licenses(e.from)} → ${licenses(e.to)}`);
  return lines;
}

function named(e: { name: string; type?: string }): string {
  return e.type ? `${e.name} (${e.type})` : e.name;
}

function entryText(e: PackageEntry): string {
  return `${named(e)} ${versions(e.versions)}${e.licenses.length > 0 ? `, ${licenses(e.licenses)}` : ''}`;
}

function versions(list: readonly string[]): string {
  return list.length > 0 ? list.join(', ') : '(no version)';
}

function licenses(list: readonly string[]): string {
  return list.length > 0 ? list.join(', ') : '(no license)';
}

function valueChange<T>(v: ValueChange<T>, text: (value: T) => string): string {
  const shown = (value: T | undefined) => (value === undefined ? '(not recorded)' : text(value));
  return v.changed ? `${shown(v.old)} → ${shown(v.new)}` : `${shown(v.new)} (unchanged)`;
}

function sourceText(s: SourceFact): string {
  return `${s.repository ?? '(repository not named)'}${s.revision ? ` at ${s.revision}` : ''}`;
}

function baseImageText(b: BaseImageChange): string {
  const image = (i: BaseImage | undefined) => (i === undefined ? '' : `${i.tag !== undefined ? `:${i.tag}` : ''}${i.digest !== undefined ? `@${i.digest}` : ''}`);
  return b.status === 'changed' ? `${b.name}${image(b.old)} → ${b.name}${image(b.new)}` : `${b.name}${image(b.new ?? b.old)}`;
}
