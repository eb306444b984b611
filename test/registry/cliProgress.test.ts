// Registry tier: the progress every command of the command-line tool draws on stderr, on a terminal and in a pipe,
// against a real registry (distribution 2.8) so that there is something to look up and download. On a terminal:
// one line redrawn in place, `\r` text then ECMA-48's EL (`\x1b[K`, erase to the end of the line), and erased at
// the end. In a pipe (the built tool as a child process, whose stderr is not a TTY): none of it.
import * as assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../src/cli/run';
import { runCli } from './cliRun';
import { startRegistry, type RunningRegistry } from './harness/registry';
import { seedImage } from './harness/seed';

describe('registry tier: progress lines of the command-line tool', function () {
  let registry: RunningRegistry;
  let workspace: string;
  /** Each command that looks things up, and the progress it shows. */
  let commands: { args: string[]; says: RegExp }[];

  before(async () => {
    registry = await startRegistry();
    await seedImage(registry.url, 'demo/app', '1');
    workspace = await mkdtemp(join(tmpdir(), 'cli-progress-'));
    await mkdir(join(workspace, 'app'));
    await writeFile(join(workspace, 'app/Dockerfile'), `FROM ${registry.host}/demo/app:1\n`);
    commands = [
      { args: ['check', '--fail-on', 'none'], says: /\rLooking up 1 images and attestations… 1\x1b\[K/ },
      { args: ['pin', '--dry-run'], says: /\rLooked up 1 of 1\x1b\[K/ },
      { args: ['verify', `${registry.host}/demo/app:1`, '--platform', 'linux/amd64'], says: /\rVerifying: 2\/2 blobs, [\d.]+\/[\d.]+ MiB\x1b\[K/ },
    ];
  });
  after(async () => {
    await registry?.close();
    if (workspace) await rm(workspace, { recursive: true, force: true });
  });

  /** The command in this process, as main.ts runs it when stderr is a terminal. */
  const onTerminal = async (args: readonly string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await run(args, { stdout: (t) => out.push(t), stderr: (t) => err.push(t), env: {}, cwd: workspace, stderrIsTerminal: true });
    return { code, stdout: out.join(''), stderr: err.join('') };
  };

  it('check, pin and verify draw one line in place on a terminal and erase it when done', async () => {
    for (const { args, says } of commands) {
      const terminal = await onTerminal(args);
      assert.equal(terminal.code, 0, terminal.stderr);
      assert.match(terminal.stderr, says, args[0]);
      // Every drawing ends by erasing the rest of the line; the last erases the whole line: nothing of it is left.
      assert.match(terminal.stderr, /^(?:\r[^\r\n\x1b]+\x1b\[K)+\r\x1b\[K$/, `${args[0]}: ${JSON.stringify(terminal.stderr)}`);
    }
  });

  it('in a pipe, stderr has no progress at all and stdout is the same', async () => {
    for (const { args } of commands) {
      const [piped, terminal] = [await runCli(workspace, workspace, args), await onTerminal(args)];
      assert.deepEqual([piped.code, piped.stderr], [0, ''], args[0]);
      assert.equal(piped.stdout, terminal.stdout, args[0]);
    }
  });
});
