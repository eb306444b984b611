import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Measurement {
  /** Stable key for --json, e.g. `dockerfiles.cold.ms`. */
  readonly key: string;
  readonly value: number;
  readonly unit: 'ms' | '×' | 'MB' | 'kB' | 'files' | 'references' | 'requests';
  /** The goal, as text for the table (`< 2000 ms`). */
  readonly target?: string;
  readonly note?: string;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export async function time(fn: () => unknown): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

/**
 * This run's scratch folder: a new one per `npm run bench`, handed to its child processes through the
 * environment, so that benches run from several checkouts on one machine never write over each other's files.
 */
export function benchDir(): string {
  return (process.env.IMAGE_PROVENANCE_BENCH_DIR ??= mkdtempSync(join(tmpdir(), 'image-provenance-bench-')));
}
