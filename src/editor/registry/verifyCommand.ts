// Verify Image Content: the command line's `verify` (src/registry/verifyContent.ts) on an image row of the Images
// view or the image under the cursor, under a notification whose Cancel aborts the downloads; the result in a
// notification and, blob by blob, in the output log.

import * as vscode from 'vscode';
import { familiarName } from '../../reference/imageReference';
import { RegistryError } from '../../registry/errors';
import { describeVerification, verificationPassed, verifyImageContent, type ContentVerification, type PlatformChoice } from '../../registry/verifyContent';
import { localize } from '../localize';
import type { TreeNode } from '../tree/nodes';
import { imageTarget, type ImageCommandDeps } from './registryCommands';

/**
 * Verifies the row's platform, else asks which of the image's platforms (or all): the result, `cancelled` when the
 * notification's Cancel (or `cancellation`, which the extension tests cancel as a user would) stopped it, or
 * undefined when nothing was verified.
 */
export async function verifyImageContentCommand(
  deps: ImageCommandDeps & { readonly log: vscode.LogOutputChannel },
  node: TreeNode | undefined,
  cancellation?: vscode.CancellationToken,
): Promise<ContentVerification | 'cancelled' | undefined> {
  const target = await imageTarget(deps, node, vscode.l10n.t('Select an image in the Images view, or put the cursor on an image, to verify its content.'));
  if (!target) return undefined;
  const { ref, details } = target;
  const chosen = target.platform !== undefined ? details.platforms.find((p) => p.platform === target.platform) : undefined;
  const choice = chosen ? { digest: chosen.digest } : await askPlatform(details.platforms.map((p) => p.platform));
  if (!choice) return undefined;
  const image = familiarName(ref);
  let result: ContentVerification;
  try {
    result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Verifying the content of {0}', image), cancellable: true },
      async (progress, token) => {
        const aborter = new AbortController();
        const cancels = [token, cancellation].map((t) => t?.onCancellationRequested(() => aborter.abort()));
        let reported = 0;
        try {
          return await verifyImageContent(await deps.resolver.registry, ref, choice, {
            signal: aborter.signal,
            onProgress: (p) => {
              const percent = p.bytes > 0 ? (100 * p.bytesDone) / p.bytes : 0;
              progress.report({ message: vscode.l10n.t('{0} of {1} blobs, {2} of {3} MiB', p.blobsDone, p.blobs, mib(p.bytesDone), mib(p.bytes)), increment: percent - reported });
              reported = percent;
            },
          });
        } finally {
          for (const cancel of cancels) cancel?.dispose();
        }
      },
    );
  } catch (error) {
    if (RegistryError.is(error, 'cancelled')) {
      deps.log.info(`Verify Image Content: ${image}: cancelled`);
      return 'cancelled';
    }
    const text = error instanceof Error ? error.message : String(error);
    deps.log.error(`Verify Image Content: ${text}`);
    void vscode.window.showErrorMessage(vscode.l10n.t('The content of {0} could not be verified: {1}', image, text));
    return undefined;
  }
  report(deps.log, result);
  return result;
}

/** Which platforms: the only one, or the user's pick among them and "all". */
async function askPlatform(platforms: readonly string[]): Promise<PlatformChoice | undefined> {
  if (platforms.length <= 1) return { all: true };
  const all = vscode.l10n.t('All platforms');
  const picked = await vscode.window.showQuickPick([...platforms, all], { title: vscode.l10n.t('Verify the content of which platform?') });
  return picked === undefined ? undefined : picked === all ? { all: true } : { platform: picked };
}

function report(log: vscode.LogOutputChannel, result: ContentVerification): void {
  const { summary, findings } = describeVerification(result, localize);
  const passed = verificationPassed(result);
  log[passed ? 'info' : 'error'](`Verify Image Content: ${summary}`);
  for (const p of result.platforms) {
    for (const b of p.blobs) {
      const host = b.outcome.kind === 'match' || b.outcome.kind === 'mismatch' ? ` from ${b.outcome.host}` : '';
      log.info(`  ${p.platform || '-'} ${b.role === 'config' ? 'config' : `layer ${b.position}`} ${b.digest} ${b.size} bytes: ${b.outcome.kind}${host}`);
    }
  }
  for (const finding of findings) log.error(`  ${finding}`);
  const showLog = vscode.l10n.t('Show Log');
  const shown = passed ? vscode.window.showInformationMessage(summary) : vscode.window.showErrorMessage([summary, ...findings.slice(0, 1)].join(' '), showLog);
  void shown.then((choice) => choice === showLog && log.show(true));
}

function mib(bytes: number): string {
  return (bytes / (1024 * 1024)).toFixed(1);
}
