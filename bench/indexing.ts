// Indexing a workspace of 10,000 Dockerfiles the size of real ones: cold (fresh processes), warm, and
// re-indexing one changed file, with the heap the index holds. The baseline is reading the same files
// (the floor any indexer has), measured in the same process. Then the parser next to `dockerfile-ast`
// on the same texts in the same process: parse only, and our whole index.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getHeapStatistics } from 'node:v8';
import { DockerfileParser } from 'dockerfile-ast';
import { parseDockerfile } from '../src/dockerfile/parseDockerfile';
import { BuildFileIndex } from '../src/workspace/buildFileIndex';
import { corpusPaths, dockerfileText, writeCorpus } from './corpus';
import { benchDir, median, percentile, time } from './measure';
import type { Measurement } from './measure';

const FILES = 10_000;
const COLD_RUNS = 3;
const REINDEX_SAMPLES = 200;
const COMPARE_ROUNDS = 5;
/** Heap samples while the cold index is built, for its peak. */
const HEAP_SAMPLE_EVERY = 100;
const MB = 1024 * 1024;

interface ColdRun {
  readonly readMs: number;
  readonly coldMs: number;
  /** CPU time of this process (every thread: GC and compilers too), for the same two. */
  readonly readCpuMs: number;
  readonly coldCpuMs: number;
  readonly retainedMB: number;
  readonly peakMB: number;
  /** The process's peak resident memory, Node itself included. */
  readonly rssPeakMB: number;
}

const corpusRoot = (): string => join(benchDir(), 'dockerfiles');
const readAll = (paths: readonly string[]): string[] => paths.map((p) => readFileSync(p, 'utf8'));

/**
 * Run in a fresh process (`--expose-gc … --cold=dockerfiles`): nothing parsed or compiled before, as at
 * startup. Reads the files (the baseline, median of 3), then builds the index once, sampling the heap;
 * what the index holds is the heap after a full GC, less the heap before it was built.
 */
export async function dockerfilesCold(): Promise<ColdRun> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('the cold indexing run needs node --expose-gc');
  const paths = corpusPaths(corpusRoot(), FILES);
  readAll(paths); // the page cache and readFileSync's own code, for both sides
  const reads: number[] = [];
  const readCpus: number[] = [];
  for (let round = 0; round < 3; round++) {
    const cpu = process.cpuUsage();
    reads.push(await time(() => readAll(paths)));
    readCpus.push(cpuMs(cpu));
  }
  gc();
  const before = getHeapStatistics().used_heap_size;
  let peak = before;
  let index!: BuildFileIndex;
  const cpu = process.cpuUsage();
  const coldMs = await time(() => {
    index = new BuildFileIndex();
    paths.forEach((p, k) => {
      index.set(p, readFileSync(p, 'utf8'));
      if (k % HEAP_SAMPLE_EVERY === 0) peak = Math.max(peak, getHeapStatistics().used_heap_size);
    });
  });
  const coldCpuMs = cpuMs(cpu);
  peak = Math.max(peak, getHeapStatistics().used_heap_size);
  gc();
  const retained = getHeapStatistics().used_heap_size - before;
  if (index.size !== FILES) throw new Error(`indexed ${index.size} files of ${FILES}`);
  return { readMs: median(reads), coldMs, readCpuMs: median(readCpus), coldCpuMs, retainedMB: retained / MB, peakMB: (peak - before) / MB, rssPeakMB: process.resourceUsage().maxRSS / 1024 };
}

export async function indexingBench(): Promise<Measurement[]> {
  const paths = writeCorpus(corpusRoot(), FILES);
  const texts = readAll(paths); // also brings the files into the page cache, so both sides read from memory
  const lines = texts.reduce((n, t) => n + t.split('\n').length - 1, 0) / FILES;
  const kb = texts.reduce((n, t) => n + Buffer.byteLength(t), 0) / FILES / 1000;

  // Cold, in fresh processes: in this one, code would already be compiled.
  const colds: ColdRun[] = [];
  for (let run = 0; run < COLD_RUNS; run++) {
    const out = execFileSync(process.execPath, ['--expose-gc', process.argv[1]!, '--cold=dockerfiles'], { encoding: 'utf8' });
    colds.push(JSON.parse(out) as ColdRun);
  }
  const coldRatios = colds.map((c) => c.coldMs / c.readMs);
  const coldCpuRatios = colds.map((c) => c.coldCpuMs / c.readCpuMs);

  const buildIndex = (): BuildFileIndex => {
    const index = new BuildFileIndex();
    for (const p of paths) index.set(p, readFileSync(p, 'utf8'));
    return index;
  };
  let index = buildIndex();
  const uses = index.files().reduce((n, f) => n + f.uses.length, 0);

  // Warm: medians of alternating runs, so noise hits both sides alike.
  const reads: number[] = [];
  const builds: number[] = [];
  for (let round = 0; round < 4; round++) {
    reads.push(await time(() => readAll(paths)));
    builds.push(await time(() => (index = buildIndex())));
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
  const peer = compareWithDockerfileAst(paths, texts);
  return [
    { key: 'dockerfiles.files', value: FILES, unit: 'files', note: `mean ${lines.toFixed(0)} lines, ${kb.toFixed(2)} KB; ${uses} image uses` },
    { key: 'dockerfiles.read.ms', value: median(colds.map((c) => c.readMs)), unit: 'ms', note: `baseline: read every file, in the cold processes (${list(colds.map((c) => c.readMs))})` },
    { key: 'dockerfiles.cold.ms', value: median(colds.map((c) => c.coldMs)), unit: 'ms', target: '< 2000 ms', note: `read + parse + index in a fresh process, median of ${COLD_RUNS} (${list(colds.map((c) => c.coldMs))})` },
    { key: 'dockerfiles.cold.ratio', value: median(coldRatios), unit: '×', target: '≤ 10 ×', note: `cold / read in the same process, median of ${COLD_RUNS} (${list(coldRatios, 1)})` },
    { key: 'dockerfiles.cold.cpuRatio', value: median(coldCpuRatios), unit: '×', note: `the same in CPU time, steadier on a shared machine (${list(coldCpuRatios, 1)})` },
    { key: 'dockerfiles.heap.retained', value: median(colds.map((c) => c.retainedMB)), unit: 'MB', target: '< 150 MB', note: `heap the index holds after a forced GC (${list(colds.map((c) => c.retainedMB))})` },
    { key: 'dockerfiles.heap.peak', value: median(colds.map((c) => c.peakMB)), unit: 'MB', note: `heap used while indexing, above the start, sampled every ${HEAP_SAMPLE_EVERY} files (${list(colds.map((c) => c.peakMB))}); the process's peak RSS ${list(colds.map((c) => c.rssPeakMB))} MB` },
    { key: 'dockerfiles.warm.ms', value: median(builds), unit: 'ms', note: 'median of 4 further runs in this process' },
    { key: 'dockerfiles.warm.ratio', value: median(builds) / readMs, unit: '×', note: `warm / read (${readMs.toFixed(0)} ms, alternating with it)` },
    { key: 'dockerfiles.reindexOne.ms', value: median(reindex), unit: 'ms', target: '< 10 ms', note: `median of ${REINDEX_SAMPLES}; p95 ${percentile(reindex, 95).toFixed(3)} ms` },
    { key: 'dockerfiles.reindexOne.ratio', value: median(reindex) / oneMs, unit: '×', note: `vs reading one file (${oneMs.toFixed(3)} ms)` },
    ...peer,
  ];
}

/**
 * The same texts, already in memory, through `dockerfile-ast` and through ours, in this process:
 * one unmeasured round, then alternating rounds (medians). "Parse" is each parser's entry point
 * (ours builds the whole model: stages, variables, every image use with its pin site); `dockerfile-ast`
 * also asked for what we extract (each FROM's image and stage name, each COPY's --from) is the
 * like-for-like row; "index" is ours giving every text to a new BuildFileIndex.
 */
function compareWithDockerfileAst(paths: readonly string[], texts: readonly string[]): Measurement[] {
  const ours = (): void => {
    for (let k = 0; k < texts.length; k++) parseDockerfile(paths[k]!, texts[k]!);
  };
  const peer = (): void => {
    for (const text of texts) DockerfileParser.parse(text);
  };
  const peerImages = (): void => {
    for (const text of texts) {
      const dockerfile = DockerfileParser.parse(text);
      for (const from of dockerfile.getFROMs()) {
        from.getImageRange();
        from.getImageName();
        from.getImageTag();
        from.getImageDigest();
        from.getBuildStage();
      }
      for (const copy of dockerfile.getCOPYs()) copy.getFromFlag()?.getValue();
    }
  };
  const index = (): void => {
    const built = new BuildFileIndex();
    for (let k = 0; k < texts.length; k++) built.set(paths[k]!, texts[k]!);
  };
  const sides = { ours, peer, peerImages, index };
  const times: Record<keyof typeof sides, number[]> = { ours: [], peer: [], peerImages: [], index: [] };
  const order = Object.keys(sides) as (keyof typeof sides)[];
  for (let round = 0; round <= COMPARE_ROUNDS; round++) {
    // Rotate who goes first, so neither always runs right after the other's garbage.
    for (let k = 0; k < order.length; k++) {
      const side = order[(k + round) % order.length]!;
      const ms = timeSync(sides[side]);
      if (round > 0) times[side].push(ms);
    }
  }
  const m = (side: keyof typeof sides): number => median(times[side]);
  const rounds = `median of ${COMPARE_ROUNDS} after one unmeasured round`;
  return [
    { key: 'parse.ours.ms', value: m('ours'), unit: 'ms', note: `parseDockerfile over the ${texts.length} texts in memory, ${rounds}` },
    { key: 'parse.dockerfileAst.ms', value: m('peer'), unit: 'ms', note: 'dockerfile-ast DockerfileParser.parse over the same texts, same process' },
    { key: 'parse.ratio.dockerfileAst', value: m('peer') / m('ours'), unit: '×', note: 'dockerfile-ast parse / ours (how many times faster ours is)' },
    {
      key: 'parse.ratio.dockerfileAstImages',
      value: m('peerImages') / m('ours'),
      unit: '×',
      note: `dockerfile-ast parse + each FROM's image and stage + each COPY --from (${m('peerImages').toFixed(0)} ms) / ours`,
    },
    { key: 'parse.ratio.indexVsDockerfileAst', value: m('peer') / m('index'), unit: '×', note: `dockerfile-ast parse / our whole index of the same texts (${m('index').toFixed(0)} ms)` },
  ];
}

/** CPU time this process spent (user + system, all threads) since `start`, in ms. */
function cpuMs(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

function timeSync(fn: () => void): number {
  const start = performance.now();
  fn();
  return performance.now() - start;
}

function list(values: readonly number[], digits = 0): string {
  return values.map((v) => v.toFixed(digits)).join(', ');
}
