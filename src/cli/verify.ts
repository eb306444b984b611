// `image-provenance verify <image>`: every config and layer blob of an image streamed through its digest's hash
// and never kept (src/registry/verifyContent.ts), each one that does not match its manifest put on the host that
// served it: what a BuildKit "unexpected commit digest" leaves unsaid.

import { describeVerification, verificationPassed, verifyImageContent, type BlobOutcome, type ContentVerification, type PlatformChoice, type VerifyProgress } from '../registry/verifyContent';
import { EXIT, parseOptions, platformOption, UsageError, type CliCommand, type CliIo } from './command';
import { imageArgument, jsonWithWords, printable, withRegistry } from './imageAccess';
import { progressLine } from './progressLine';

const USAGE = `Usage: image-provenance verify <image> [--platform os/arch[/variant] | --all-platforms] [--format text|json]

Downloads every config and layer blob of an image, streaming each through its digest's hash without keeping
it, and reports any blob whose bytes or size do not match what its manifest names, with the host that served
it (a mirror, or the registry itself). BuildKit fails on such a blob with containerd's "unexpected commit
digest" or "unexpected commit size", naming neither the layer nor the host.

Options:
  --platform os/arch[/variant]  this platform (without a variant, every variant of it); default: the one docker
                                pulls here, linux/${machineArchitecture()}, or the image's only platform
  --all-platforms               every platform of the image
  --format text|json            text (default), or the result as JSON
  -h, --help                    this help

Mirrors, CA certificates and the timeout come from imageProvenance.registry.* in .vscode/settings.json;
credentials from the Docker config. Progress goes to stderr when it is a terminal.
Exit codes: 0 every blob matches, 1 a blob does not match or could not be read, 2 usage error.
`;

export const verifyCommand: CliCommand = {
  name: 'verify',
  summary: 'download every layer and check it against its digest, naming the host of any that does not match',
  usage: USAGE,
  async run(argv, io) {
    const { values, positionals } = parseOptions(argv, { platform: { type: 'string' }, 'all-platforms': { type: 'boolean' }, format: { type: 'string' } });
    const [image, ...extra] = positionals;
    if (image === undefined) throw new UsageError('verify needs an image, e.g. image-provenance verify alpine:3.21');
    if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
    if (values.platform !== undefined && values['all-platforms'] === true) throw new UsageError('--platform and --all-platforms exclude each other');
    const format = values.format ?? 'text';
    if (format !== 'text' && format !== 'json') throw new UsageError(`--format "${format}" is not one of text, json`);
    const platform = platformOption(values.platform);
    const choice: PlatformChoice | undefined = values['all-platforms'] === true ? { all: true } : platform !== undefined ? { platform } : undefined;
    return verify(imageArgument(image), choice, format, io);
  },
};

/** The architecture docker pulls on this machine, by Node's name for it (Go's GOARCH names, as in OCI platforms). */
function machineArchitecture(): string {
  const names: Record<string, string> = { x64: 'amd64', ia32: '386', arm64: 'arm64', arm: 'arm', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64', loong64: 'loong64' };
  return names[process.arch] ?? process.arch;
}

async function verify(ref: ReturnType<typeof imageArgument>, choice: PlatformChoice | undefined, format: 'text' | 'json', io: CliIo): Promise<number> {
  return withRegistry(io, [ref], async (client) => {
    const progress = progressLine(io);
    const onProgress = (p: VerifyProgress) => progress.show(`Verifying: ${p.blobsDone}/${p.blobs} blobs, ${mib(p.bytesDone)}/${mib(p.bytes)} MiB`, p.blobsDone === p.blobs);
    const run = (c: PlatformChoice) => verifyImageContent(client, ref, c, { onProgress });
    let result: ContentVerification;
    try {
      result = await run(choice ?? { platform: `linux/${machineArchitecture()}` });
      // Without --platform, an image of one platform is that platform, whatever this machine is.
      if (choice === undefined && result.platforms.length === 0 && result.availablePlatforms.length === 1) result = await run({ all: true });
    } finally {
      progress.done();
    }
    if (result.platforms.length === 0) {
      const asked = choice && 'platform' in choice ? choice.platform : `linux/${machineArchitecture()} (this machine's; choose with --platform or --all-platforms)`;
      io.stderr(`image-provenance: ${result.image} has no platform ${asked}; it has ${result.availablePlatforms.join(', ') || 'none'}\n`);
      return EXIT.failed;
    }
    io.stdout(format === 'json' ? jsonWithWords({ ...result, passed: verificationPassed(result) }) : renderVerification(result));
    return verificationPassed(result) ? EXIT.ok : EXIT.failed;
  });
}

const OUTCOMES: Record<BlobOutcome['kind'], string> = { match: 'ok', mismatch: 'MISMATCH', failed: 'FAILED', skipped: 'skipped' };

function renderVerification(v: ContentVerification): string {
  const lines = [`${v.image}  ${v.digest}`];
  for (const p of v.platforms) {
    lines.push('', `${p.platform || 'single-platform image'}  ${p.digest}`);
    if (p.manifestProblem !== undefined) lines.push(`  FAILED    manifest: ${p.manifestProblem}`);
    for (const b of p.blobs) {
      const where = b.outcome.kind === 'match' || b.outcome.kind === 'mismatch' ? `  from ${b.outcome.host}${b.outcome.mirror ? ' (mirror)' : ''}` : '';
      lines.push(`  ${OUTCOMES[b.outcome.kind].padEnd(10)}${(b.role === 'config' ? 'config' : `layer ${b.position}`).padEnd(10)}${b.digest}  ${b.size} bytes${where}`);
    }
  }
  const { summary, findings } = describeVerification(v);
  lines.push('', summary, ...findings.flatMap((f) => ['', f]));
  return `${lines.map(printable).join('\n')}\n`;
}

function mib(bytes: number): string {
  return (bytes / (1024 * 1024)).toFixed(1);
}
