// `npm run bench` — every benchmark of the project, as a table or (with --json) one JSON object
// whose keys name each measurement; `--only=<suite>,…` runs some suites alone. Each measurement is
// reported next to a baseline measured in the same run, because the machine is shared and noisy:
// ratios travel, milliseconds don't.
import { activationBench } from './activation';
import { attestationsBench } from './attestations';
import { composeBakeBench, composeBakeCold } from './composeBake';
import { dockerfilesCold, indexingBench } from './indexing';
import { rmSync } from 'node:fs';
import { benchDir, type Measurement } from './measure';
import { panelBench } from './panel';
import { registryBench, requireRegistryBenchTools } from './registry';
import { workspaceBench } from './workspace';

const suites: Record<string, () => Promise<Measurement[]>> = {
  indexing: indexingBench,
  composeBake: composeBakeBench,
  registry: registryBench,
  activation: activationBench,
  attestations: attestationsBench,
  panel: panelBench,
  workspace: workspaceBench,
};

async function main(): Promise<void> {
  // A child run for a cold measurement: print the milliseconds and nothing else.
  if (process.argv.includes('--cold=composeBake')) {
    console.log(await composeBakeCold());
    return;
  }
  if (process.argv.includes('--cold=dockerfiles')) {
    console.log(JSON.stringify(await dockerfilesCold()));
    return;
  }
  // `--only=activation,registry` runs those suites alone.
  const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length).split(',');
  const chosen = only ?? Object.keys(suites);
  const unknown = chosen.filter((name) => !(name in suites));
  if (unknown.length) throw new Error(`No bench suite named ${unknown.join(', ')}; there are ${Object.keys(suites).join(', ')}`);
  // A missing tool fails now, not after the benchmarks before the one that needs it.
  if (chosen.includes('registry') || chosen.includes('attestations') || chosen.includes('panel')) requireRegistryBenchTools();
  const json = process.argv.includes('--json');
  const results: Measurement[] = [];
  try {
    for (const name of chosen) results.push(...(await suites[name]!()));
  } finally {
    rmSync(benchDir(), { recursive: true, force: true });
  }
  if (json) {
    const out: Record<string, number> = {};
    for (const m of results) out[m.key] = round(m.value);
    console.log(JSON.stringify(out));
    return;
  }
  const rows = results.map((m) => [m.key, `${round(m.value)} ${m.unit}`, m.target ?? '', m.note ?? '']);
  const header = ['measurement', 'value', 'target', 'baseline / note'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r));
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
