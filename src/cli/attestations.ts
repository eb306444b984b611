// `image-provenance attestations <image>`: what the Images tree shows under an image, per platform, as text or
// (--json) as the normalized models. The decisions are the core's (attest/summary.ts); this file asks and prints.

import { clientSource, type StorageForm } from '../attest/discover';
import { licenseCounts } from '../attest/licenses';
import type { Provenance } from '../attest/provenance';
import { parseReferrerRepository, referrerRepositoryFor } from '../attest/referrerRepository';
import { summarizeAttestations, type ImageSummary, type PlatformSummary, type SbomDocument } from '../attest/summary';
import { formatMessage, type Message } from '../model/messages';
import { familiarName, type ImageRef } from '../reference/imageReference';
import { EXIT, parseOptions, platformOption, UsageError, type CliCommand, type CliIo } from './command';
import { imageArgument, noSuchPlatform, withRegistry } from './imageAccess';
import { readWorkspaceSettings, REFERRER_REPOSITORIES_SETTING, WORKSPACE_SETTINGS, workspaceReferrerRepositories } from './settings';

const FORMS: Record<StorageForm, string> = {
  index: 'in the image index',
  referrer: 'referrer',
  cosignTag: 'cosign tag',
  referrerRepository: 'referrer repository',
};

/** The summary as text: a header line, then a block per platform. */
export function renderSummary(image: string, summary: ImageSummary): string {
  const lines = [`${image}  ${summary.digest}`];
  if (summary.indexLevel) {
    const describes = summary.indexLevel.describes ? `, describing ${summary.indexLevel.describes}` : '';
    lines.push(`  SBOM attached to the index: ${summary.indexLevel.sboms}${describes}`);
  }
  for (const problem of summary.problems) lines.push(`  Problem: ${problemText(problem)}`);
  for (const platform of summary.platforms) lines.push('', ...renderPlatform(platform));
  return `${lines.join('\n')}\n`;
}

function renderPlatform(p: PlatformSummary): string[] {
  const lines = [`${p.platform || 'single-platform image'}  ${p.digest}`];
  const field = (name: string, value: string) => lines.push(`  ${`${name}:`.padEnd(17)} ${value}`);
  if (p.annotatedSource) field('Source', revisionText(p.annotatedSource.repository, p.annotatedSource.revision) + ' (image annotations)');
  if (p.forms.length > 0) field('Stored', p.forms.map((f) => FORMS[f]).join(', '));
  if (p.predicateTypes.length > 0) field('Predicate types', p.predicateTypes.join(', '));
  if (p.provenance) field('Provenance', provenanceText(p.provenance) + (p.provenanceSignature === 'unverified' ? ', signed, not verified' : ''));
  for (const sbom of p.sboms) field('SBOM', sbomText(sbom));
  for (const s of p.signatures) field('Signature', `${s.digest}${s.artifactType ? ` (${s.artifactType})` : ''}, signed, not verified`);
  for (const e of p.explanations) field('Note', formatMessage(e.message));
  for (const problem of p.problems) field('Problem', problemText(problem));
  return lines;
}

/** "SLSA v1, mode=max, github.com/org/repo@abc1234, builder …, finished …", as the tree labels it. */
function provenanceText(p: Provenance): string {
  const parts = [`SLSA ${p.slsaVersion}`];
  if (p.mode) parts.push(`mode=${p.mode}`);
  if (p.source) parts.push(revisionText(p.source.repository, p.source.revision));
  if (p.builderId) parts.push(`builder ${p.builderId}`);
  if (p.finishedOn ?? p.startedOn) parts.push(`built ${p.finishedOn ?? p.startedOn}`);
  const bases = p.materials.filter((m) => m.kind === 'image' && m.role === undefined && m.image).map((m) => m.image!.name);
  if (bases.length > 0) parts.push(`base ${[...new Set(bases)].join(', ')}`);
  return parts.join(', ');
}

/** "214 packages, SPDX-2.3, the final image; licenses MIT (120), Apache-2.0 (30), …". */
function sbomText(doc: SbomDocument): string {
  const { sbom } = doc;
  const count = `${sbom.packages.length} package${sbom.packages.length === 1 ? '' : 's'}`;
  const licenses = licenseCounts(sbom);
  const top = licenses.slice(0, 3);
  const licenseText = top.length > 0 ? `; licenses ${top.map(([l, n]) => `${l} (${n})`).join(', ')}${licenses.length > 3 ? ', …' : ''}` : '';
  const signed = doc.signature === 'unverified' ? ', signed, not verified' : '';
  return `${count}, ${sbom.specVersion ?? sbom.format}, ${formatMessage(doc.scopeText)}${signed}${licenseText}`;
}

function revisionText(repository: string | undefined, revision: string | undefined): string {
  const repo = repository ?? '(repository not named)';
  return revision ? `${repo}@${revision.slice(0, 7)}` : repo;
}

function problemText(problem: { digest?: string; message: Message }): string {
  return problem.digest ? `${problem.digest}: ${formatMessage(problem.message)}` : formatMessage(problem.message);
}

/** The normalized models as JSON, core messages in English words. */
export function summaryJson(image: string, summary: ImageSummary): string {
  const words = (_key: string, value: unknown): unknown => (isMessage(value) ? formatMessage(value) : value);
  return `${JSON.stringify({ image, ...summary }, words, 2)}\n`;
}

function isMessage(value: unknown): value is Message {
  return typeof value === 'object' && value !== null && typeof (value as Message).template === 'string' && Array.isArray((value as Message).args) && Object.keys(value).length === 2;
}

const USAGE = `Usage: image-provenance attestations <image> [--platform os/arch[/variant]] [--referrer-repository <repo>] [--json]

Shows what an image's attestations say, per platform: where they are stored, their predicate types,
the SLSA provenance and SBOM summaries, signatures (signed, not verified), and why something is missing.

Options:
  --platform os/arch[/variant]  only this platform (without a variant, every variant of it)
  --referrer-repository <repo>  also read the referrers kept in this repository (host/path), as Docker Scout
                                keeps hardened images' attestations; default: what ${REFERRER_REPOSITORIES_SETTING}
                                in ${WORKSPACE_SETTINGS} maps the image to
  --json                        the normalized models as JSON
  -h, --help                    this help

Credentials come from the Docker config ($DOCKER_CONFIG or ~/.docker/config.json), as docker uses them.
Registries on loopback addresses (localhost, 127.0.0.0/8, ::1) are reached over plain HTTP, as Docker does.
HTTPS_PROXY and NO_PROXY are honored. Exit codes: 0 done, 1 lookup failed, 2 usage error.
`;

export const attestationsCommand: CliCommand = {
  name: 'attestations',
  summary: "what an image's attestations say, per platform, and why something is missing",
  usage: USAGE,
  async run(argv, io) {
    const { values, positionals } = parseOptions(argv, {
      platform: { type: 'string' },
      'referrer-repository': { type: 'string' },
      json: { type: 'boolean' },
    });
    const [image, ...extra] = positionals;
    if (image === undefined) throw new UsageError('attestations needs an image, e.g. image-provenance attestations alpine:3.21');
    if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
    const platform = platformOption(values.platform);
    const referrerRepository = values['referrer-repository'] === undefined ? undefined : referrerRepositoryOption(values['referrer-repository']);
    return attestations(image, { platform, referrerRepository, json: values.json === true }, io);
  },
};

/** `--referrer-repository host/path`: a repository without tag or digest, on a registry named by its host. */
function referrerRepositoryOption(text: string): ImageRef {
  const ref = parseReferrerRepository(text);
  if (ref === undefined) throw new UsageError(`--referrer-repository "${text}" is not a repository with its registry host, e.g. registry.scout.docker.com/myorg/app`);
  return ref;
}

interface AttestationsOptions {
  platform: string | undefined;
  referrerRepository: ImageRef | undefined;
  json: boolean;
}

async function attestations(text: string, options: AttestationsOptions, io: CliIo): Promise<number> {
  const { platform, json } = options;
  const ref = imageArgument(text);
  const warn = (problem: string) => io.stderr(`image-provenance: warning: ${problem}\n`);
  const workspace = readWorkspaceSettings(io.cwd);
  const referrerRepository = options.referrerRepository ?? referrerRepositoryFor(ref, workspaceReferrerRepositories(workspace, warn));
  const refs = referrerRepository ? [ref, referrerRepository] : [ref];
  return withRegistry(
    io,
    refs,
    async (client) => {
      const top = await client.manifest(ref);
      const summary = await summarizeAttestations(clientSource(client, ref), top, { ...(platform !== undefined && { platform }), ...(referrerRepository && { referrerRepository }) });
      const image = familiarName(ref);
      if (platform !== undefined && summary.platforms.length === 0) return noSuchPlatform(io, image, platform, summary);
      io.stdout(json ? summaryJson(image, summary) : renderSummary(image, summary));
      return EXIT.ok;
    },
    workspace,
  );
}
