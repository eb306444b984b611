// The `yaml` package, loaded on first use. Most Compose files are plain block YAML, which blockYaml.ts reads
// without it; only the rest of YAML and Bake's JSON form need it. The extension's build makes it a bundle of
// its own (scripts/build.mjs), so activation does not load its 100 KiB.

import type * as Yaml from 'yaml';

let library: typeof Yaml | undefined;

export function yamlLibrary(): typeof Yaml {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use, on purpose
  return (library ??= require('yaml') as typeof Yaml);
}
