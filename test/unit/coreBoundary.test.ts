// Unit tier: the pure core cannot import VS Code or the edge, whatever folder of src/ it is in (deny by default):
// the lint refuses the import, and the core's type check (tsconfig.core.json) fails on it. The command-line tool
// and the unit tests depend on that core running under plain Node.
import * as assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { ESLint } from 'eslint';
import ts from 'typescript';

/** A folder no rule names yet: a new part of the core. */
const NEW_CORE_FILE = 'src/newPart/probe.ts';

describe('the pure core boundary', function () {
  this.timeout(60_000);

  it('lints an import of vscode or of the edge as an error in any folder of src/ but the edge', async () => {
    const eslint = new ESLint();
    const text = "import * as vscode from 'vscode';\nimport { localize } from '../editor/localize';\nexport const used = [vscode, localize];\n";
    const [core] = await eslint.lintText(text, { filePath: NEW_CORE_FILE });
    assert.deepEqual(
      core!.messages.map((m) => [m.line, m.ruleId, m.message]),
      [
        [1, 'no-restricted-imports', "'vscode' import is restricted from being used. The pure core must not import vscode; put VS Code code in src/editor."],
        [2, 'no-restricted-imports', "'../editor/localize' import is restricted from being used by a pattern. The pure core must not import the VS Code edge (src/editor, src/extension.ts)."],
      ],
    );
    const [edge] = await eslint.lintText(text.replace('../editor/localize', './localize'), { filePath: 'src/editor/probe.ts' });
    assert.deepEqual(edge!.messages, []);
  });

  it("fails the core's type check on an import of vscode, directly or through an edge module", () => {
    const parsed = ts.getParsedCommandLineOfConfigFile('tsconfig.core.json', {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => assert.fail(String(d.messageText)) });
    assert.ok(parsed);
    const errorsFor = (text: string): string[] => {
      const probe = resolve(NEW_CORE_FILE);
      const host = ts.createCompilerHost(parsed.options);
      const read = host.getSourceFile.bind(host);
      host.getSourceFile = (name, language, ...rest) => (resolve(name) === probe ? ts.createSourceFile(name, text, language) : read(name, language, ...rest));
      const exists = host.fileExists.bind(host);
      host.fileExists = (name) => resolve(name) === probe || exists(name);
      const program = ts.createProgram([probe], parsed.options, host);
      return ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    };
    assert.deepEqual(errorsFor("export const plain = 'no VS Code here';\n"), []);
    assert.ok(
      errorsFor("import * as vscode from 'vscode';\nexport const unused = typeof vscode;\n").some((e) => e.includes('move the VS Code code to src/editor')),
      'an unused import of vscode fails too',
    );
    assert.ok(errorsFor("import { localize } from '../editor/localize';\nexport const used = localize;\n").length > 0, 'an edge module that uses vscode fails');
  });
});
