// tsconfig.core.json resolves `vscode` to this file, which fails to compile: a core module that imports VS Code,
// directly or through an edge module, fails the type check. Move the VS Code code to src/editor.
export {};
export const theCoreMustNotImportVscode: 'move the VS Code code to src/editor' = 'an import of vscode in the core';
