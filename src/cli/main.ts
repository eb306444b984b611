// Entry of the `image-provenance` command-line tool (bundled as dist/cli.js): wires the process to run().

import { run } from './run';

void run(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
  cwd: process.cwd(),
  stderrIsTerminal: process.stderr.isTTY === true,
}).then((code) => {
  process.exitCode = code;
});
