// The built command-line tool (dist/cli.js, `node scripts/build.mjs` makes it) as a child process, for the
// registry tier's end-to-end tests of its commands.
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';

export const CLI = resolve('dist/cli.js');

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** The built tool as a child process, with only PATH, HOME and what `env` adds. */
export function runCli(cwd: string, home: string, args: readonly string[], env: Record<string, string> = {}): Promise<CliRun> {
  return new Promise((done) => {
    execFile(process.execPath, [CLI, ...args], { env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: home, ...env }, cwd, timeout: 20_000 }, (error, stdout, stderr) => {
      done({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stdout, stderr });
    });
  });
}

/** One finding of `image-provenance check --format json`. */
export interface CliFinding {
  file: string;
  line: number;
  column: number;
  severity: string;
  check: string;
  message: string;
}
