import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { api, EXTENSION_ID } from './helpers';

describe('extension', () => {
  it('activates in the fixture workspace and indexes it', async () => {
    const a = await api();
    assert.ok(vscode.extensions.getExtension(EXTENSION_ID)?.isActive);
    assert.equal(a.index.size, 5);
  });

  it('registers exactly the commands package.json contributes', async () => {
    await api();
    const root = vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath;
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { contributes: { commands: { command: string }[] } };
    const contributed = manifest.contributes.commands.map((c) => c.command).sort();
    const registered = (await vscode.commands.getCommands(true)).filter((c) => c.startsWith('imageProvenance.') && !c.startsWith('imageProvenance.images.')).sort(); // view commands (focus…) come from VS Code
    assert.deepEqual(registered, contributed);
  });
});
