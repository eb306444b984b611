// `image-provenance check [paths…]`: the problems the Problems panel shows for the workspace, for CI. Text, JSON or
// SARIF 2.1.0 (GitHub code scanning reads it); exit 1 when a finding is at or above --fail-on.

import { relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHECKS } from '../checks/catalog';
import { publishedImages } from '../checks/drift';
import type { Finding } from '../checks/workspaceChecks';
import type { Severity } from '../model/buildFile';
import { formatMessage } from '../model/messages';
import { RegistryClient } from '../registry/client';
import { dockerCredentialStore } from '../registry/credentials';
import { EXIT, parseOptions, UsageError, type CliCommand, type CliIo } from './command';
import { progressLine } from './progressLine';
import { cliRegistrySettings, workspaceReferrerRepositories, WORKSPACE_SETTINGS } from './settings';
import { checkSettings, runChecks, type CheckRun } from './runChecks';
import { indexWorkspace } from './workspaceFiles';
import { readCheckSettings, type WorkspaceSettings } from './workspaceSettings';

const FORMATS = ['text', 'json', 'sarif'] as const;
const FAIL_ON = ['error', 'warning', 'note', 'none'] as const;
type FailOn = (typeof FAIL_ON)[number];

/** SARIF has three levels; information and hint are both notes. */
const SARIF_LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', information: 'note', hint: 'note' };
const RANK: Record<Severity, number> = { error: 3, warning: 2, information: 1, hint: 1 };
const THRESHOLD: Record<FailOn, number> = { error: 3, warning: 2, note: 1, none: Infinity };

const USAGE = `Usage: image-provenance check [paths…] [--format text|json|sarif] [--fail-on error|warning|note|none]

Checks the images of the Dockerfiles, Compose files and Docker Bake files under the paths (default: the current
folder, the workspace) as the editor's Problems panel does: unpinned images, stale pins, pins the registry does
not serve or serves wrong, platform pins in multi-platform builds, images outside the allowed list, published
images built from another base than the workspace pins (drift), and, when turned on, missing SBOM or provenance
and provenance mode=min. Settings come from ${WORKSPACE_SETTINGS} as the extension reads them:
imageProvenance.checks.severity (per check: error, warning, information, hint or off),
imageProvenance.checks.allowedImages, imageProvenance.pinning.*, dockerfileGlobs, buildVariables,
registry.hosts (mirrors), files.exclude. A line is silenced by a comment "# image-provenance: ignore=<check>" above it.

Options:
  --format text|json|sarif              text (default): file:line:column: severity check: message;
                                        sarif: SARIF 2.1.0, for GitHub code scanning
  --fail-on error|warning|note|none     exit 1 when a finding is at this level or above (default: error;
                                        note counts information and hint findings)
  -h, --help                            this help

Checks: ${CHECKS.map((c) => `${c.id} (${c.level})`).join(', ')}.
Credentials come from the Docker config ($DOCKER_CONFIG or ~/.docker/config.json); loopback registries are
reached over plain HTTP, as Docker does. Exit codes: 0 no finding at or above --fail-on, 1 findings at or above
it, 2 usage or configuration error, or an image the files pull could not be looked up (unreachable, sign-in
required…): its checks were not made, whatever --fail-on says. The images the workspace publishes, read for
drift, may not be pushed yet: a failed lookup of one is a warning.
`;

export const checkCommand: CliCommand = {
  name: 'check',
  summary: 'the problems the Problems panel shows, for CI (text, JSON, SARIF); exit 1 on findings',
  usage: USAGE,
  async run(argv, io) {
    const { values, positionals } = parseOptions(argv, { format: { type: 'string' }, 'fail-on': { type: 'string' } });
    const format = oneOf('--format', values.format ?? 'text', FORMATS);
    const failOn = oneOf('--fail-on', values['fail-on'] ?? 'error', FAIL_ON);
    const { settings, problems } = readCheckSettings(io.cwd);
    if (problems.length) {
      for (const problem of problems) io.stderr(`image-provenance: ${problem}\n`);
      return EXIT.usage;
    }
    const run = await checkWorkspace(io, positionals, settings);
    for (const failure of run.publishedFailures) io.stderr(`image-provenance: warning: drift not checked: ${failure.message}\n`);
    for (const failure of run.failures) io.stderr(`image-provenance: ${failure.message}\n`);
    const print = { text: textReport, json: jsonReport, sarif: sarifReport }[format];
    io.stdout(print(run, io.cwd));
    // The findings are printed all the same, but a run that could not look an image up cannot call the workspace
    // clean: exit 2, as ESLint exits 2 when linting could not be done, so CI tells it from findings (1).
    if (run.failures.length) {
      const images = new Set(run.failures.map((f) => f.image)).size;
      io.stderr(`image-provenance: ${images} image${images === 1 ? '' : 's'} could not be looked up, so not every check was made\n`);
      return EXIT.usage;
    }
    const worst = Math.max(0, ...run.files.flatMap((f) => f.findings.map((d) => RANK[d.severity])));
    return worst >= THRESHOLD[failOn] ? EXIT.failed : EXIT.ok;
  },
};

export async function checkWorkspace(io: CliIo, paths: readonly string[], settings: WorkspaceSettings): Promise<CheckRun> {
  const progress = progressLine(io);
  const warn = (text: string) => io.stderr(`image-provenance: warning: ${text}\n`);
  const index = await indexWorkspace(io.cwd, paths, settings, warn);
  const referrerRepositories = workspaceReferrerRepositories(settings.values, warn);
  const images = index.files().flatMap((file) => [...file.uses.map((u) => u.reference?.registry), ...(file.builds ?? []).flatMap((_, b) => publishedImages(file, b).map((r) => r.registry))]);
  const registries = [...new Set(images.filter((r): r is string => r !== undefined))];
  const client = new RegistryClient({ settings: cliRegistrySettings(registries, io.env, settings.values, warn), credentials: dockerCredentialStore({ env: io.env, onProblem: warn }) });
  try {
    return await runChecks(index, checkSettings(settings), client, referrerRepositories, (text) => progress.show(text));
  } finally {
    progress.done();
    await client.close();
  }
}

function oneOf<T extends string>(option: string, value: string, values: readonly T[]): T {
  const found = values.find((v) => v === value);
  if (found === undefined) throw new UsageError(`${option} "${value}" is not one of ${values.join(', ')}`);
  return found;
}

/** The path as the user's shell names it: relative to where the tool runs, `/` separators. */
export function displayPath(path: string, cwd: string): string {
  const absolute = path.startsWith('file:') ? fileURLToPath(path) : path;
  return relative(cwd, absolute).split(sep).join('/');
}

interface Located {
  readonly file: string;
  readonly finding: Finding;
}

function located(run: CheckRun, cwd: string): Located[] {
  return run.files.flatMap(({ file, findings }) => findings.map((finding) => ({ file: displayPath(file.path, cwd), finding })));
}

function textReport(run: CheckRun, cwd: string): string {
  const all = located(run, cwd);
  const lines = all.map(({ file, finding: f }) => `${file}:${f.range.start.line + 1}:${f.range.start.character + 1}: ${f.severity} ${f.code}: ${formatMessage(f.message)}`);
  const counts = (['error', 'warning', 'information', 'hint'] as const).map((s) => [s, all.filter((l) => l.finding.severity === s).length] as const).filter(([, n]) => n > 0);
  const files = `${run.files.length} build file${run.files.length === 1 ? '' : 's'}`;
  lines.push(all.length ? `${all.length} problem${all.length === 1 ? '' : 's'} in ${files} (${counts.map(([s, n]) => `${n} ${s}`).join(', ')})` : `No problems in ${files}`);
  return `${lines.join('\n')}\n`;
}

/** One object per finding: 1-based lines and columns, as editors and `file:line:column` count them. */
export function jsonFindings(run: CheckRun, cwd: string) {
  return located(run, cwd).map(({ file, finding: f }) => ({
    file,
    line: f.range.start.line + 1,
    column: f.range.start.character + 1,
    endLine: f.range.end.line + 1,
    endColumn: f.range.end.character + 1,
    severity: f.severity,
    check: f.code,
    message: formatMessage(f.message),
  }));
}

function jsonReport(run: CheckRun, cwd: string): string {
  return `${JSON.stringify({ files: run.files.map((f) => displayPath(f.file.path, cwd)), findings: jsonFindings(run, cwd) }, null, 2)}\n`;
}

/**
 * SARIF 2.1.0 (OASIS sarif-v2.1.0 §3): one run, the checks as the driver's rules (the model's own diagnostic
 * codes added as they occur), each result located by a URI relative to %SRCROOT% and a region whose columns
 * are UTF-16 code units (§3.30.4, the default columnKind), as VS Code counts them.
 */
function sarifReport(run: CheckRun, cwd: string): string {
  const all = located(run, cwd);
  const rules: { id: string; shortDescription?: { text: string }; defaultConfiguration?: { level: string; enabled: boolean } }[] = CHECKS.map((c) => ({
    id: c.id,
    shortDescription: { text: c.summary },
    defaultConfiguration: { level: c.level === 'off' ? 'note' : SARIF_LEVEL[c.level], enabled: c.level !== 'off' },
  }));
  const ruleIndex = (id: string): number => {
    let i = rules.findIndex((r) => r.id === id);
    if (i < 0) i = rules.push({ id }) - 1;
    return i;
  };
  const results = all.map(({ file, finding: f }) => ({
    ruleId: f.code,
    ruleIndex: ruleIndex(f.code),
    level: SARIF_LEVEL[f.severity],
    message: { text: formatMessage(f.message) },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: encodeURI(file), uriBaseId: '%SRCROOT%' },
          region: { startLine: f.range.start.line + 1, startColumn: f.range.start.character + 1, endLine: f.range.end.line + 1, endColumn: f.range.end.character + 1 },
        },
      },
    ],
  }));
  // §3.20: whether the run could do all its work, and what stopped it (the lookups that failed), as stderr says it.
  const notifications = [...run.failures.map((f) => ({ level: 'error', message: { text: f.message } })), ...run.publishedFailures.map((f) => ({ level: 'warning', message: { text: `drift not checked: ${f.message}` } }))];
  const invocation = { executionSuccessful: run.failures.length === 0, ...(notifications.length && { toolExecutionNotifications: notifications }) };
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{ tool: { driver: { name: 'image-provenance', rules } }, invocations: [invocation], results }],
  };
  return `${JSON.stringify(sarif, null, 2)}\n`;
}
