// Content-addressed storage for manifests and blobs: a digest names its bytes forever, so an entry
// never goes stale. Only bytes that hash to their digest are stored, and the disk store hashes again
// on every read, because a file can be truncated by a crash or changed by someone else.
// Next to it, which digest each tag named when last asked: only a hint for choosing how to ask again (a HEAD
// when that content is stored, a GET by tag when it is not), never trusted for content.

import { createHash, randomBytes } from 'node:crypto';
import { lstat, mkdir, open, readFile, rename, rm, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isDigest } from '../reference/imageReference';
import { verifyDigest } from './manifest';

/** Content-addressed bytes (digest → bytes), valid forever: only verified bytes are ever put. */
export interface ContentStore {
  get(digest: string): Promise<Uint8Array | undefined>;
  /** Throws when `bytes` do not hash to `digest`; nothing is stored then. */
  put(digest: string, bytes: Uint8Array, options?: PutOptions): Promise<void>;
  /** The digest `tag` (`registry/repository:tag`) named when last asked, if this store remembers it. */
  lastDigest(tag: string): Promise<string | undefined>;
  rememberDigest(tag: string, digest: string): Promise<void>;
  /** Forgets the content and the tags. */
  clear(): Promise<void>;
}

export interface PutOptions {
  /**
   * The caller hashed these very bytes to `digest` (a blob, as it streamed in): the disk store, which hashes again
   * on every read, does not on this write. The memory store, which serves what it holds unchecked, always hashes.
   */
  readonly verified?: boolean;
}

/** The algorithms isDigest accepts; each gets a directory. */
const ALGORITHMS = ['sha256', 'sha384', 'sha512'] as const;
/** The tags' folder: not an algorithm's name, so never read as content. */
const TAGS = 'tags';

/**
 * Only `sha256:<64 lowercase hex>` (and sha384/sha512) get past this, which also keeps a digest from
 * naming any path but its own file (`sha256:../../x` is refused).
 */
function checkDigest(digest: string): void {
  if (!isDigest(digest)) throw new Error(`Not a content digest this store accepts: ${JSON.stringify(digest.slice(0, 140))}`);
}

function checkBytes(digest: string, bytes: Uint8Array): void {
  if (!verifyDigest(bytes, digest)) throw new Error(`Refusing to store bytes under ${digest}: they hash to something else`);
}

export function memoryContentStore(): ContentStore {
  const entries = new Map<string, Uint8Array>();
  const tags = new Map<string, string>();
  return {
    async get(digest) {
      checkDigest(digest);
      const bytes = entries.get(digest);
      // Copies both ways: a caller changing its buffer must not change what the digest names. (Not
      // `.slice()`: on a Buffer that is a view.)
      return bytes && new Uint8Array(bytes);
    },
    async put(digest, bytes) {
      checkDigest(digest);
      checkBytes(digest, bytes);
      entries.set(digest, new Uint8Array(bytes));
    },
    async lastDigest(tag) {
      return tags.get(tag);
    },
    async rememberDigest(tag, digest) {
      checkDigest(digest);
      tags.set(tag, digest);
    },
    async clear() {
      entries.clear();
      tags.clear();
    },
  };
}

/**
 * Files at `dir/<algorithm>/<hex>`. A put writes a uniquely named temp file next to the target and
 * renames it into place, so a reader sees the whole file or none, and concurrent puts of one digest
 * (same bytes by definition) just replace each other. No fsync: a file a crash leaves short fails the
 * hash on read and is fetched again.
 */
export function diskContentStore(dir: string): ContentStore {
  // One file per tag, named by the hash of its name: any tag text maps to a plain file name.
  const tagFile = (tag: string) => join(dir, TAGS, createHash('sha256').update(tag).digest('hex'));
  const pathOf = (digest: string): { folder: string; file: string } => {
    const [algorithm = '', hex = ''] = digest.split(':');
    const folder = join(dir, algorithm);
    return { folder, file: join(folder, hex) };
  };

  const store: ContentStore = {
    async get(digest) {
      checkDigest(digest);
      const { file } = pathOf(digest);
      let bytes: Buffer;
      let identity: string;
      try {
        const handle = await open(file, 'r');
        try {
          identity = fileIdentity(await handle.stat());
          bytes = await handle.readFile();
        } finally {
          await handle.close();
        }
      } catch {
        // Absent, or unreadable (a directory, no permission): a cache miss either way.
        return undefined;
      }
      // A plain Uint8Array, as the memory store gives: a Buffer's slice() would be a view.
      if (verifyDigest(bytes, digest)) return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      await removeIfSame(file, identity);
      return undefined;
    },

    async put(digest, bytes, options) {
      checkDigest(digest);
      if (!options?.verified) checkBytes(digest, bytes);
      const { folder, file } = pathOf(digest);
      // A leading dot: never a hex name, so get() never opens a half-written file.
      const temp = join(folder, `.${randomBytes(8).toString('hex')}.tmp`);
      // Twice, in case clear() removes the folder between mkdir and rename.
      for (let attempt = 1; ; attempt++) {
        try {
          await mkdir(folder, { recursive: true });
          await writeFile(temp, bytes, { flag: 'wx' });
          await rename(temp, file);
          return;
        } catch (error) {
          await rm(temp, { force: true }).catch(() => undefined);
          // Windows refuses to rename over a file another reader has open; then it is there already.
          if (await store.get(digest).then((b) => b !== undefined, () => false)) return;
          if (attempt >= 2 || (error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
        }
      }
    },

    async lastDigest(tag) {
      try {
        const digest = (await readFile(tagFile(tag), 'utf8')).trim();
        return isDigest(digest) ? digest : undefined;
      } catch {
        return undefined;
      }
    },

    async rememberDigest(tag, digest) {
      checkDigest(digest);
      const file = tagFile(tag);
      const temp = `${file}.${randomBytes(8).toString('hex')}.tmp`;
      try {
        await mkdir(join(dir, TAGS), { recursive: true });
        await writeFile(temp, digest, { flag: 'wx' });
        await rename(temp, file);
      } catch {
        // A hint only: without it the next lookup asks with a GET instead of a HEAD.
        await rm(temp, { force: true }).catch(() => undefined);
      }
    },

    async clear() {
      // Only the folders this store writes: `dir` itself may be shared.
      await Promise.all([...ALGORITHMS, TAGS].map((folder) => rm(join(dir, folder), { recursive: true, force: true })));
    },
  };
  return store;
}

function fileIdentity(stats: { dev: number; ino: number; size: number; mtimeMs: number }): string {
  return `${stats.dev}:${stats.ino}:${stats.size}:${stats.mtimeMs}`;
}

/**
 * Deletes a corrupt file, unless a concurrent put has renamed a good one over it since we read it.
 * (The window between this check and unlink is tiny; losing a good file there only costs a refetch.)
 */
async function removeIfSame(file: string, identity: string): Promise<void> {
  try {
    if (fileIdentity(await lstat(file)) === identity) await unlink(file);
  } catch {
    // Gone already, or not ours to delete: either way it is not returned.
  }
}
