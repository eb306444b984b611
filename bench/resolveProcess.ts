// One whole process doing what `skopeo inspect --raw` does for a list of references, with the
// extension's client: resolve each tag to its digest, then fetch that manifest's raw bytes (verified
// against the digest). Started fresh by the registry benchmark, which times the process from spawn to
// exit; prints each reference's digest and manifest size as JSON lines, as the check of its answers.
//   node out/bench/resolveProcess.js <registry host> <reference>...
import { RegistryClient } from '../src/registry/client';
import { NO_CREDENTIALS } from '../src/registry/credentials';
import { DEFAULT_REGISTRY_SETTINGS } from '../src/registry/settings';
import { parseImageReference } from '../src/reference/imageReference';

async function main(): Promise<void> {
  const [host, ...texts] = process.argv.slice(2);
  if (!host || !texts.length) throw new Error('usage: resolveProcess.js <registry host> <reference>...');
  const client = new RegistryClient({ settings: { ...DEFAULT_REGISTRY_SETTINGS, hosts: { [host]: { http: true } } }, credentials: NO_CREDENTIALS });
  try {
    const answers = await Promise.all(
      texts.map(async (text) => {
        const parsed = parseImageReference(text);
        if (!parsed.ok) throw new Error(`${text}: ${parsed.error.reason}`);
        const { digest } = await client.resolve(parsed.ref);
        const manifest = await client.manifest(parsed.ref, { digest });
        return JSON.stringify({ reference: text, digest, bytes: manifest.bytes.length });
      }),
    );
    process.stdout.write(answers.join('\n') + '\n');
  } finally {
    await client.close();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
