// One build file of any kind into the model: the single entry point the index and the parse workers share.

import { parseCompose } from '../compose/parseCompose';
import { parseDockerfile } from '../dockerfile/parseDockerfile';
import type { BuildFile, BuildFileKind } from '../model/buildFile';

export interface ParseContext {
  /** Other files' text (`.env`, override files, the project's Compose files); undefined: no such file. */
  readonly readFile: (path: string) => string | undefined;
  /** Values for `${VAR}` in Compose and Bake files. */
  readonly variables: Readonly<Record<string, string>>;
  /** A Compose file already parsed in this context, so a Bake file of the same project can reuse it. */
  readonly parsedCompose?: (path: string) => BuildFile | undefined;
}

type BakeReader = typeof import('../bake/parseBake');
let bakeReader: BakeReader | undefined;

/**
 * Bake's reader: the HCL parser and evaluator and Bake's standard functions, a third of the extension's code. The
 * extension's build makes it a bundle of its own (scripts/build.mjs), loaded the first time a Bake file is read.
 */
function bake(): BakeReader {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use, on purpose
  return (bakeReader ??= require('../bake/parseBake') as BakeReader);
}

export function parseBuildFile(path: string, kind: BuildFileKind, text: string, context: ParseContext): BuildFile {
  switch (kind) {
    case 'dockerfile':
      return parseDockerfile(path, text);
    case 'compose':
      return parseCompose(path, text, { readFile: context.readFile, environment: context.variables });
    case 'bake-hcl':
    case 'bake-json':
      return bake().parseBake(path, text, { readFile: context.readFile, environment: context.variables, ...(context.parsedCompose ? { parsedCompose: context.parsedCompose } : {}) });
  }
}
