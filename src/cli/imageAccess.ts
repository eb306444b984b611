// What the image commands (sbom, provenance, diff, verify) share: the image argument, a registry client set up
// as the extension's (the workspace's registry settings, the Docker config's credentials, loopback over plain
// HTTP), a registry failure as one line and exit 1, and JSON with core messages in words.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ImageSummary, PlatformSummary } from '../attest/summary';
import { formatMessage, type Message } from '../model/messages';
import { parseImageReference, type ImageRef } from '../reference/imageReference';
import { RegistryClient } from '../registry/client';
import { dockerCredentialStore } from '../registry/credentials';
import { RegistryError } from '../registry/errors';
import { EXIT, UsageError, type CliIo } from './command';
import { cliRegistrySettings, readWorkspaceSettings } from './settings';

/** An image reference argument; anything else is a usage error that says why. */
export function imageArgument(text: string): ImageRef {
  const parsed = parseImageReference(text);
  if (!parsed.ok) throw new UsageError(`"${text}" is not an image reference: ${formatMessage(parsed.error.message)}`);
  return parsed.ref;
}

/**
 * Runs `work` with a client for `refs`' registries, closed afterwards. A registry failure is one line on stderr
 * and exit 1; warnings (registry settings that cannot be used) go to stderr and change nothing else.
 */
export async function withRegistry(
  io: CliIo,
  refs: readonly ImageRef[],
  work: (client: RegistryClient) => Promise<number>,
  /** The workspace's settings when the caller has read them already (their warnings said once). */
  workspace?: Readonly<Record<string, unknown>>,
): Promise<number> {
  const warn = (problem: string) => io.stderr(`image-provenance: warning: ${problem}\n`);
  workspace ??= readWorkspaceSettings(io.cwd);
  const credentials = dockerCredentialStore({ env: io.env, onProblem: warn });
  const client = new RegistryClient({ settings: cliRegistrySettings([...new Set(refs.map((r) => r.registry))], io.env, workspace, warn), credentials });
  try {
    return await work(client);
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

/** Exit 1 with the platforms the image has, when `--platform` chose none of them. */
export function noSuchPlatform(io: CliIo, image: string, platform: string, summary: ImageSummary): number {
  io.stderr(`image-provenance: ${image} has no platform ${platform}; it has ${summary.availablePlatforms.join(', ') || 'none'}\n`);
  return EXIT.failed;
}

/** A platform block's first line: `linux/amd64  sha256:…`. */
export function platformHeading(p: Pick<PlatformSummary, 'platform' | 'digest'>): string {
  return `${p.platform || 'single-platform image'}  ${p.digest}`;
}

/** Why a platform lacks what was asked for: the summary's explanations of that, and what could not be read. */
export function whyMissing(p: PlatformSummary, kinds: readonly PlatformSummary['explanations'][number]['kind'][]): string[] {
  return [...p.explanations.filter((e) => kinds.includes(e.kind)).map((e) => formatMessage(e.message)), ...p.problems.map((problem) => formatMessage(problem.message))];
}

/**
 * Registry text on one line of a terminal: line breaks, bidi and other control characters (an escape sequence could
 * rewrite what the terminal shows) become spaces.
 */
export function printable(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u2028-\u202e\u2066-\u2069]+/g, ' ');
}

/** Indented JSON with every core message (template and arguments) written out in English words. */
export function jsonWithWords(value: unknown): string {
  return `${JSON.stringify(value, (_key, v: unknown) => (isMessage(v) ? formatMessage(v) : v), 2)}\n`;
}

function isMessage(value: unknown): value is Message {
  return typeof value === 'object' && value !== null && typeof (value as Message).template === 'string' && Array.isArray((value as Message).args) && Object.keys(value).length === 2;
}

/** The tool's version, from the package.json beside dist/; '0' where there is none (tests run from out/). */
export function toolVersion(): string {
  try {
    const version = (JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as { version?: unknown }).version;
    return typeof version === 'string' ? version : '0';
  } catch {
    return '0';
  }
}
