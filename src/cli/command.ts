// What every command of the command-line tool shares: its shape, the process it talks to, usage errors and
// exit codes. Each command parses its own options (node:util parseArgs) and prints its own help.

import { parseArgs, type ParseArgsConfig } from 'node:util';

/**
 * 0 done and clean; 1 a lookup failed or (check) findings at or above --fail-on; 2 usage or configuration error, or
 * (check) an image that could not be looked up, so the check is not complete.
 */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: Readonly<Record<string, string | undefined>>;
  /** Where `.vscode/settings.json` is looked for, and relative paths start. */
  cwd: string;
  /** Whether stderr is a terminal: progress is shown only then. */
  stderrIsTerminal?: boolean;
}

export interface CliCommand {
  readonly name: string;
  /** One line for `image-provenance --help`. */
  readonly summary: string;
  /** The whole `image-provenance <name> --help`; its first line is repeated after a usage error. */
  readonly usage: string;
  /** `argv` is what follows the command's name; `--help` has been handled already. */
  run(argv: readonly string[], io: CliIo): Promise<number>;
}

/** A mistake in how the tool was called: exit code 2 with the command's usage line, never a stack trace. */
export class UsageError extends Error {}

/** A setting the tool cannot use (`.vscode/settings.json` that is not JSON with comments): exit code 2, said in one line. */
export class ConfigurationError extends Error {}

/** parseArgs with the command's options; its own messages ("Unknown option '--x'") become usage errors. */
export function parseOptions<T extends NonNullable<ParseArgsConfig['options']>>(argv: readonly string[], options: T) {
  try {
    return parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

/** `--platform`'s shape, as BuildKit's platform specifiers are written: os/arch[/variant]. */
export function platformOption(text: string | undefined): string | undefined {
  if (text !== undefined && !/^[a-z0-9_.-]+\/[a-z0-9_.-]+(?:\/[a-z0-9_.-]+)?$/i.test(text)) {
    throw new UsageError(`--platform "${text}" is not os/arch[/variant], e.g. linux/arm64`);
  }
  return text;
}
