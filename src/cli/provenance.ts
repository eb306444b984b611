// `image-provenance provenance <image>`: what the panel's Provenance tab shows, per platform, as text or JSON. The
// model is the tab's (src/panel/provenanceDetail.ts, SLSA v0.2 and v1 read as one); this file only prints it.

import { clientSource } from '../attest/discover';
import { summarizeAttestations, type PlatformSummary } from '../attest/summary';
import { familiarName } from '../reference/imageReference';
import { provenanceDetail, type KeyValue, type MaterialDetail, type ProvenanceDetail } from '../panel/provenanceDetail';
import { EXIT, parseOptions, platformOption, UsageError, type CliCommand, type CliIo } from './command';
import { imageArgument, jsonWithWords, noSuchPlatform, platformHeading, printable, whyMissing, withRegistry } from './imageAccess';

const USAGE = `Usage: image-provenance provenance <image> [--platform os/arch[/variant]] [--format text|json]

Shows an image's SLSA provenance per platform, as the attestation panel does: builder, build type, source
and commit, Dockerfile, frontend, build arguments (or why they were not recorded: mode=min), materials with
their digests (the # syntax frontend and the SBOM scanner labelled: they ran the build, they are not base
images), times, completeness and mode.

Options:
  --platform os/arch[/variant]  only this platform (without a variant, every variant of it)
  --format text|json            text (default), or the model as JSON
  -h, --help                    this help

When there is no provenance, says why. Settings, credentials and mirrors as for "image-provenance attestations".
Exit codes: 0 done, 1 lookup failed or no provenance, 2 usage error.
`;

export const provenanceCommand: CliCommand = {
  name: 'provenance',
  summary: "an image's SLSA provenance: builder, source, build arguments, materials, mode",
  usage: USAGE,
  async run(argv, io) {
    const { values, positionals } = parseOptions(argv, { platform: { type: 'string' }, format: { type: 'string' } });
    const [image, ...extra] = positionals;
    if (image === undefined) throw new UsageError('provenance needs an image, e.g. image-provenance provenance alpine:3.21');
    if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
    const format = values.format ?? 'text';
    if (format !== 'text' && format !== 'json') throw new UsageError(`--format "${format}" is not one of text, json`);
    return provenance(imageArgument(image), platformOption(values.platform), format, io);
  },
};

/** The summary's explanations of missing provenance. */
const NO_PROVENANCE = ['noAttestations', 'noProvenance'] as const;

async function provenance(ref: ReturnType<typeof imageArgument>, platform: string | undefined, format: 'text' | 'json', io: CliIo): Promise<number> {
  const image = familiarName(ref);
  return withRegistry(io, [ref], async (client) => {
    const top = await client.manifest(ref);
    const summary = await summarizeAttestations(clientSource(client, ref), top, { ...(platform !== undefined && { platform }) });
    if (platform !== undefined && summary.platforms.length === 0) return noSuchPlatform(io, image, platform, summary);
    const platforms = summary.platforms.map((p) => ({ platform: p.platform, digest: p.digest, ...(p.provenance ? { provenance: provenanceDetail(p.digest, p.provenance).detail } : { missing: whyMissing(p, NO_PROVENANCE) }) }));
    if (format === 'json') io.stdout(jsonWithWords({ image, digest: summary.digest, platforms }));
    else io.stdout(`${image}  ${summary.digest}\n\n${summary.platforms.map(renderPlatform).join('\n')}`);
    return summary.platforms.some((p) => p.provenance) ? EXIT.ok : EXIT.failed;
  });
}

function renderPlatform(p: PlatformSummary): string {
  const lines = [platformHeading(p)];
  if (!p.provenance) {
    const why = whyMissing(p, NO_PROVENANCE);
    lines.push(`  No provenance${why.length > 0 ? `: ${why.join(' ')}` : '.'}`);
    return `${lines.map(printable).join('\n')}\n`;
  }
  const d = provenanceDetail(p.digest, p.provenance).detail;
  const field = (name: string, value: string) => lines.push(`  ${`${name}:`.padEnd(18)}${value}`);
  const list = (name: string, rows: readonly string[]) => {
    lines.push(`  ${name}:`);
    for (const row of rows) lines.push(`    ${row}`);
  };
  field('Predicate', `${d.predicateType} (SLSA ${d.slsaVersion})`);
  field('Builder', d.builder?.id ?? 'not recorded');
  if (d.buildType) field('Build type', d.buildType);
  if (d.source) field('Source', `${d.source.repository}${d.source.revision ? ` at ${d.source.revision}` : ''} (${SOURCE_FROM[d.source.from]})`);
  if (d.configSource) field('Dockerfile', [d.configSource.path, d.configSource.uri].filter(Boolean).join(' in ') || d.configSource.digests.join(', '));
  if (d.frontend) field('Frontend', d.frontendImage ? `${d.frontend}, # syntax image ${d.frontendImage}` : d.frontend);
  field('Mode', d.mode ? `${d.mode}: ${d.modeExplanation ?? ''}`.trim() : 'not known (not a BuildKit build)');
  keyValues('Build args', d.buildArgs, field, list);
  keyValues('Labels', d.labels, field, list);
  if (d.otherArgs.length > 0) list('Other args', d.otherArgs.map(([k, v]) => `${k}=${v}`));
  if (d.secrets?.length) field('Secrets', d.secrets.map((s) => `${s.id}${s.optional ? ' (optional)' : ''}`).join(', '));
  if (d.ssh?.length) field('SSH', d.ssh.map((s) => `${s.id}${s.optional ? ' (optional)' : ''}`).join(', '));
  list('Materials', d.materials.length > 0 ? d.materials.map(materialText) : ['none recorded']);
  if (d.builderPlatform) field('Builder platform', d.builderPlatform);
  if (d.startedOn) field('Started', d.startedOn);
  if (d.finishedOn) field('Finished', d.finishedOn);
  field('Completeness', completenessText(d));
  if (d.reproducible !== undefined) field('Reproducible', d.reproducible ? 'yes' : 'no');
  if (d.hermetic !== undefined) field('Hermetic', d.hermetic ? 'yes' : 'no');
  if (p.provenanceSignature === 'unverified') field('Signature', 'signed, not verified');
  for (const warning of d.warnings) field('Warning', warning);
  return `${lines.map(printable).join('\n')}\n`;
}

const SOURCE_FROM: Record<NonNullable<ProvenanceDetail['source']>['from'], string> = {
  configSource: 'the Git context BuildKit checked out',
  vcs: 'as the client said: vcs:source, not checked by BuildKit',
  workflow: "the GitHub workflow's repository",
};

/** mode=min drops build arguments and labels: "not recorded" is not "none" (BuildKit's scrubMinRequest). */
function keyValues(name: string, values: readonly KeyValue[] | undefined, field: (name: string, value: string) => void, list: (name: string, rows: readonly string[]) => void): void {
  if (values === undefined) field(name, 'not recorded (mode=min)');
  else if (values.length === 0) field(name, 'none');
  else list(name, values.map(([k, v]) => `${k}=${v}`));
}

const ROLES: Record<NonNullable<MaterialDetail['role']>, string> = {
  frontend: '# syntax frontend: ran the build, not a base image',
  sbomScanner: 'SBOM scanner: ran the build, not a base image',
};

function materialText(m: MaterialDetail): string {
  const role = m.role ? ROLES[m.role] : m.kind === 'image' ? 'base image' : m.kind;
  return `${m.uri}  ${m.digests.join(' ') || '(no digest)'}  [${role}]`;
}

function completenessText(d: ProvenanceDetail): string {
  const said = (value: boolean | undefined) => (value === undefined ? 'not said' : value ? 'complete' : 'incomplete');
  return `parameters ${said(d.completeness.parameters)}, environment ${said(d.completeness.environment)}, materials ${said(d.completeness.materials)}`;
}
