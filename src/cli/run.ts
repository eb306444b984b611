// The command line: arguments, the one command there is so far, and exit codes. No colors (so NO_COLOR has
// nothing to turn off); errors are one line on stderr, never a stack trace.

import { parseArgs } from 'node:util';
import { clientSource } from '../attest/discover';
import { parseReferrerRepository, referrerRepositoryFor } from '../attest/referrerRepository';
import { summarizeAttestations } from '../attest/summary';
import { formatMessage } from '../model/messages';
import { familiarName, parseImageReference, type ImageRef } from '../reference/imageReference';
import { RegistryClient } from '../registry/client';
import { dockerCredentialStore } from '../registry/credentials';
import { RegistryError } from '../registry/errors';
import { renderSummary, summaryJson } from './attestations';
import { cliRegistrySettings, REFERRER_REPOSITORIES_SETTING, WORKSPACE_SETTINGS, workspaceReferrerRepositories } from './settings';

export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: Readonly<Record<string, string | undefined>>;
  /** Where `.vscode/settings.json` is looked for. */
  cwd: string;
}

export const USAGE = `Usage: image-provenance attestations <image> [--platform os/arch[/variant]] [--referrer-repository <repo>] [--json]

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

/** A mistake in how the tool was called: exit code 2 with the usage line. */
class UsageError extends Error {}

export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    const { values, positionals } = parseCommandLine(argv);
    if (values.help) {
      io.stdout(USAGE);
      return EXIT.ok;
    }
    const [command, image, ...extra] = positionals;
    if (command === undefined) throw new UsageError('a command is needed');
    if (command !== 'attestations') throw new UsageError(`unknown command "${command}"`);
    if (image === undefined) throw new UsageError('attestations needs an image, e.g. image-provenance attestations alpine:3.21');
    if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
    if (values.platform !== undefined && !/^[a-z0-9_.-]+\/[a-z0-9_.-]+(?:\/[a-z0-9_.-]+)?$/i.test(values.platform)) {
      throw new UsageError(`--platform "${values.platform}" is not os/arch[/variant], e.g. linux/arm64`);
    }
    const referrerRepository = values['referrer-repository'] === undefined ? undefined : referrerRepositoryOption(values['referrer-repository']);
    return await attestations(image, { platform: values.platform, referrerRepository, json: values.json === true }, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`image-provenance: ${error.message}\n\n${USAGE.split('\n')[0]}\nRun "image-provenance --help" for more.\n`);
      return EXIT.usage;
    }
    // Registry failures name the image and the cause; anything else is ours, said in one line all the same.
    io.stderr(`image-provenance: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT.failed;
  }
}

function parseCommandLine(argv: readonly string[]) {
  try {
    return parseArgs({
      args: [...argv],
      options: { platform: { type: 'string' }, 'referrer-repository': { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    // node:util's messages ("Unknown option '--x'", "Option '--platform <value>' argument missing") are plain.
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

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
  const parsed = parseImageReference(text);
  if (!parsed.ok) throw new UsageError(`"${text}" is not an image reference: ${formatMessage(parsed.error.message)}`);
  const ref = parsed.ref;
  const warn = (problem: string) => io.stderr(`image-provenance: warning: ${problem}\n`);
  const referrerRepository = options.referrerRepository ?? referrerRepositoryFor(ref, workspaceReferrerRepositories(io.cwd, warn));
  const credentials = dockerCredentialStore({ env: io.env, onProblem: warn });
  const registries = referrerRepository ? [ref.registry, referrerRepository.registry] : [ref.registry];
  const client = new RegistryClient({ settings: cliRegistrySettings(registries, io.env), credentials });
  try {
    const top = await client.manifest(ref);
    const summary = await summarizeAttestations(clientSource(client, ref), top, { ...(platform !== undefined && { platform }), ...(referrerRepository && { referrerRepository }) });
    const image = familiarName(ref);
    if (platform !== undefined && summary.platforms.length === 0) {
      io.stderr(`image-provenance: ${image} has no platform ${platform}; it has ${summary.availablePlatforms.join(', ') || 'none'}\n`);
      return EXIT.failed;
    }
    io.stdout(json ? summaryJson(image, summary) : renderSummary(image, summary));
    return EXIT.ok;
  } catch (error) {
    if (RegistryError.is(error)) {
      io.stderr(`image-provenance: ${error.message}\n`);
      return EXIT.failed;
    }
    throw error;
  } finally {
    await client.close();
  }
}
