// `image-provenance sbom <image>`: every SBOM document of each platform, as a table of packages or (one document)
// written out as SPDX, CycloneDX or CSV by the panel's own export (src/attest/sbomExport.ts). Several documents
// per platform are normal (BuildKit stores the final image's first, then any scanned stage's: src/attest/sbom.ts
// sbomScopes), so each is named by what it describes.

import { randomUUID } from 'node:crypto';
import { clientSource } from '../attest/discover';
import { exportSbom, type SbomExportFormat } from '../attest/sbomExport';
import type { SbomPackage } from '../attest/sbom';
import { summarizeAttestations, type PlatformSummary, type SbomDocument } from '../attest/summary';
import { formatMessage } from '../model/messages';
import { familiarName } from '../reference/imageReference';
import { EXIT, parseOptions, platformOption, UsageError, type CliCommand, type CliIo } from './command';
import { imageArgument, noSuchPlatform, platformHeading, printable, toolVersion, whyMissing, withRegistry } from './imageAccess';

const FORMATS = ['table', 'spdx', 'cyclonedx', 'csv'] as const;
type Format = (typeof FORMATS)[number];

const USAGE = `Usage: image-provenance sbom <image> [--platform os/arch[/variant]] [--format table|spdx|cyclonedx|csv] [--document <n>]

Lists the packages of an image's SBOM attestations, per platform: name, version, type, license and purl.
A platform often has several SBOM documents (the final image's, then one per scanned build stage); each
is named by what it describes and numbered.

Options:
  --platform os/arch[/variant]  only this platform (without a variant, every variant of it)
  --format table                the packages as text (default)
  --format spdx|cyclonedx|csv   one document written out as SPDX 2.3 JSON, CycloneDX 1.6 JSON or CSV, as the
                                panel exports it (in the document's own format, the document as it was stored);
                                needs one platform
  --document <n>                which of the platform's documents to write out (default: the final image's)
  -h, --help                    this help

When there is no SBOM, says why (BuildKit makes one only when asked: --sbom=true). Settings, credentials and
mirrors as for "image-provenance attestations". Exit codes: 0 done, 1 lookup failed or no SBOM, 2 usage error.
`;

export const sbomCommand: CliCommand = {
  name: 'sbom',
  summary: "the packages of an image's SBOMs, or one SBOM as SPDX, CycloneDX or CSV",
  usage: USAGE,
  async run(argv, io) {
    const { values, positionals } = parseOptions(argv, { platform: { type: 'string' }, format: { type: 'string' }, document: { type: 'string' } });
    const [image, ...extra] = positionals;
    if (image === undefined) throw new UsageError('sbom needs an image, e.g. image-provenance sbom alpine:3.21');
    if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
    const format = (values.format ?? 'table') as Format;
    if (!FORMATS.includes(format)) throw new UsageError(`--format "${values.format}" is not one of ${FORMATS.join(', ')}`);
    const document = values.document === undefined ? undefined : documentOption(values.document);
    if (document !== undefined && format === 'table') throw new UsageError('--document chooses the document --format spdx, cyclonedx or csv writes out');
    return sbom(imageArgument(image), { platform: platformOption(values.platform), format, document }, io);
  },
};

function documentOption(text: string): number {
  if (!/^[1-9]\d*$/.test(text)) throw new UsageError(`--document "${text}" is not a document number (1, 2, …)`);
  return Number(text);
}

interface SbomOptions {
  platform: string | undefined;
  format: Format;
  document: number | undefined;
}

async function sbom(ref: ReturnType<typeof imageArgument>, options: SbomOptions, io: CliIo): Promise<number> {
  const image = familiarName(ref);
  return withRegistry(io, [ref], async (client) => {
    const top = await client.manifest(ref);
    const exporting = options.format !== 'table';
    const summary = await summarizeAttestations(clientSource(client, ref), top, { ...(options.platform !== undefined && { platform: options.platform }), keepStatements: exporting });
    if (options.platform !== undefined && summary.platforms.length === 0) return noSuchPlatform(io, image, options.platform, summary);
    if (exporting) return exportOne(image, summary.platforms, options, io);
    const blocks = summary.platforms.map(renderPlatform);
    io.stdout(`${image}  ${summary.digest}\n\n${blocks.join('\n')}`);
    return summary.platforms.some((p) => p.sboms.length > 0) ? EXIT.ok : EXIT.failed;
  });
}

/** One platform's documents, each headed by its number and what it describes, or why there is none. */
function renderPlatform(p: PlatformSummary): string {
  const lines = [platformHeading(p)];
  if (p.sboms.length === 0) {
    const why = whyMissing(p, NO_SBOM);
    lines.push(`  No SBOM${why.length > 0 ? `: ${why.join(' ')}` : '.'}`);
  }
  p.sboms.forEach((doc, i) => {
    lines.push(`  SBOM ${i + 1} of ${p.sboms.length}: ${documentTitle(doc)}`);
    lines.push(...packageTable(doc.sbom.packages).map((row) => `    ${row}`));
  });
  return `${lines.map(printable).join('\n')}\n`;
}

/** "the final image, SPDX-2.3, 214 packages" (and signed, never verified here). */
function documentTitle(doc: SbomDocument): string {
  const count = `${doc.sbom.packages.length} package${doc.sbom.packages.length === 1 ? '' : 's'}`;
  return `${formatMessage(doc.scopeText)}, ${doc.sbom.specVersion ?? doc.sbom.format}, ${count}${doc.signature === 'unverified' ? ', signed, not verified' : ''}`;
}

/** The summary's explanations of a missing SBOM. */
const NO_SBOM = ['noAttestations', 'noSbom', 'indexSbomOnePlatform'] as const;

const COLUMNS = ['NAME', 'VERSION', 'TYPE', 'LICENSE', 'PURL'] as const;

/** Aligned columns, sorted by name then version; the purl last, unpadded. */
function packageTable(packages: readonly SbomPackage[]): string[] {
  const rows = [...packages]
    .sort((a, b) => compareText(a.name, b.name) || compareText(a.version ?? '', b.version ?? ''))
    .map((p) => [p.name, p.version ?? '', p.type ?? '', p.licenses.join(' AND '), p.purl ?? ''].map(printable));
  const all = [[...COLUMNS], ...rows];
  const widths = COLUMNS.map((_, c) => Math.max(...all.map((row) => row[c]!.length)));
  return all.map((row) => row.map((cell, c) => (c === row.length - 1 ? cell : cell.padEnd(widths[c]!))).join('  ').trimEnd());
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** One document of one platform in an export format; more than one platform or no SBOM says what to choose or why. */
function exportOne(image: string, platforms: readonly PlatformSummary[], options: SbomOptions, io: CliIo): number {
  if (platforms.length > 1) {
    throw new UsageError(`--format ${options.format} writes one document: choose a platform with --platform (${image} has ${platforms.map((p) => p.platform).join(', ')})`);
  }
  const platform = platforms[0]!;
  if (platform.sboms.length === 0) {
    const why = whyMissing(platform, NO_SBOM);
    io.stderr(`image-provenance: ${image}${platform.platform ? ` (${platform.platform})` : ''} has no SBOM${why.length ? `: ${why.join(' ')}` : ''}\n`);
    return EXIT.failed;
  }
  const index = options.document !== undefined ? options.document - 1 : Math.max(0, platform.sboms.findIndex((d) => d.scope.kind === 'image'));
  const doc = platform.sboms[index];
  if (doc === undefined) throw new UsageError(`--document ${options.document}: ${image}${platform.platform ? ` (${platform.platform})` : ''} has ${platform.sboms.length} SBOM document${platform.sboms.length === 1 ? '' : 's'}`);
  const statement = platform.statements?.sboms[index];
  const predicate = typeof statement === 'object' && statement !== null && 'predicate' in statement ? statement.predicate : undefined;
  io.stdout(
    exportSbom(doc.sbom, options.format as SbomExportFormat, {
      name: `${image}${platform.platform ? ` ${platform.platform}` : ''} (${formatMessage(doc.scopeText)})`,
      created: new Date(),
      tool: { name: 'image-provenance', version: toolVersion() },
      uuid: randomUUID(),
      ...(predicate !== undefined && { predicate }),
    }),
  );
  // Which document this is, where a person reading the terminal sees it and a file being written does not.
  if (platform.sboms.length > 1) io.stderr(`image-provenance: wrote SBOM ${index + 1} of ${platform.sboms.length} (${formatMessage(doc.scopeText)}); --document <n> chooses another\n`);
  return EXIT.ok;
}
