// The command line: which command runs, help, and how failures end. Errors are one line on stderr, never a
// stack trace; usage errors repeat the command's usage line and exit 2.

import { attestationsCommand } from './attestations';
import { pinCommand } from './pin';
import { checkCommand } from './check';
import { scanCommand } from './scan';
import { ConfigurationError, EXIT, UsageError, type CliCommand, type CliIo } from './command';
import { diffCommand } from './diff';
import { provenanceCommand } from './provenance';
import { sbomCommand } from './sbom';
import { verifyCommand } from './verify';

export { EXIT, type CliIo } from './command';

const COMMANDS: readonly CliCommand[] = [scanCommand, checkCommand, pinCommand, attestationsCommand, sbomCommand, provenanceCommand, diffCommand, verifyCommand];

export const USAGE = `Usage: image-provenance <command> [options]

What the images in Dockerfiles, Compose files and Docker Bake files are, pinned to, and built from.

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(14)}${c.summary}`).join('\n')}

Run "image-provenance <command> --help" for a command's options.
`;

export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    if (name === undefined) {
      io.stderr(`image-provenance: a command is needed\n\n${USAGE}`);
      return EXIT.usage;
    }
    io.stdout(USAGE);
    return EXIT.ok;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (command === undefined) {
    io.stderr(`image-provenance: unknown command "${name}"\n\n${USAGE}`);
    return EXIT.usage;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout(command.usage);
    return EXIT.ok;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`image-provenance: ${error.message}\n\n${command.usage.split('\n')[0]}\nRun "image-provenance ${command.name} --help" for more.\n`);
      return EXIT.usage;
    }
    if (error instanceof ConfigurationError) {
      io.stderr(`image-provenance: ${error.message}\n`);
      return EXIT.usage;
    }
    // Registry failures name the image and the cause; anything else is ours, said in one line all the same.
    io.stderr(`image-provenance: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT.failed;
  }
}
