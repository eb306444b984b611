// Entry of the `image-provenance` command-line tool (bundled as dist/cli.js): wires the process to run().

import { run } from './run';

/**
 * Writes to `stream` until its reader goes away (`image-provenance scan | head`): then the rest is dropped, as a
 * pipe's writer does, rather than Node's unhandled EPIPE ending the run with a stack trace. The exit code still
 * says how the run went.
 */
function writer(stream: NodeJS.WriteStream): (text: string) => void {
  let readerGone = false;
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    readerGone = true;
  });
  return (text) => {
    if (!readerGone) stream.write(text);
  };
}

void run(process.argv.slice(2), {
  stdout: writer(process.stdout),
  stderr: writer(process.stderr),
  env: process.env,
  cwd: process.cwd(),
  stderrIsTerminal: process.stderr.isTTY === true,
}).then((code) => {
  process.exitCode = code;
});
