// Indexing a workspace of 10,000 Dockerfiles: cold, and re-indexing one changed file. The baseline
// is reading the same files (the floor any indexer has), measured in the same run.
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BuildFileIndex } from '../src/workspace/buildFileIndex';
import { dockerfileText, writeCorpus } from './corpus';
import { median, percentile, time } from './measure';
import type { Measurement } from './measure';

const FILES = 10_000;
const REINDEX_SAMPLES = 200;

export async function indexingBench(): Promise<Measurement[]> {
  const paths = writeCorpus(join(tmpdir(), 'image-provenance-bench', 'dockerfiles'), FILES);
  const readAll = (): string[] => paths.map((p) => readFileSync(p, 'utf8'));
  readAll(); // bring the files into the page cache, so both sides read from memory

  const buildIndex = (): BuildFileIndex => {
    const index = new BuildFileIndex();
    for (const p of paths) index.set(p, readFileSync(p, 'utf8'));
    return index;
  };

  // Cold: the first index this process builds (nothing parsed or compiled by the JIT before).
  const readFirst = await time(readAll);
  let index!: BuildFileIndex;
  const cold = await time(() => (index = buildIndex()));
  const uses = index.files().reduce((n, f) => n + f.uses.length, 0);

  // Warm: medians of alternating runs, so noise hits both sides alike.
  const reads: number[] = [readFirst];
  const builds: number[] = [];
  for (let round = 0; round < 4; round++) {
    reads.push(await time(readAll));
    builds.push(await time(buildIndex));
  }

  // One changed file, as when the user saves: read it, parse it, replace its entry.
  const reindex: number[] = [];
  const readOne: number[] = [];
  for (let k = 0; k < REINDEX_SAMPLES; k++) {
    const i = (k * 7919) % FILES;
    const path = paths[i]!;
    readOne.push(await time(() => readFileSync(path, 'utf8')));
    const changed = dockerfileText(i) + `# edit ${k}\n`;
    // What a save costs until the tree can redraw: parse, replace, and the sorted file list.
    reindex.push(await time(() => (index.set(path, changed), index.files())));
  }

  const readMs = median(reads);
  const oneMs = median(readOne);
  return [
    { key: 'dockerfiles.files', value: FILES, unit: 'files', note: `${uses} image uses` },
    { key: 'dockerfiles.read.ms', value: readMs, unit: 'ms', note: 'baseline: read every file' },
    { key: 'dockerfiles.cold.ms', value: cold, unit: 'ms', target: '< 2000 ms', note: 'read + parse + index, first run' },
    { key: 'dockerfiles.cold.ratio', value: cold / readMs, unit: '×', target: '≈ 10 ×', note: 'cold / read' },
    { key: 'dockerfiles.warm.ms', value: median(builds), unit: 'ms', note: 'median of 4 further runs' },
    { key: 'dockerfiles.warm.ratio', value: median(builds) / readMs, unit: '×', note: 'warm / read' },
    { key: 'dockerfiles.reindexOne.ms', value: median(reindex), unit: 'ms', target: '< 10 ms', note: `median of ${REINDEX_SAMPLES}; p95 ${percentile(reindex, 95).toFixed(3)} ms` },
    { key: 'dockerfiles.reindexOne.ratio', value: median(reindex) / oneMs, unit: '×', note: `vs reading one file (${oneMs.toFixed(3)} ms)` },
  ];
}
