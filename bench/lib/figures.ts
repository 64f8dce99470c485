import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { formatTable } from './table';

/** One headline figure of a benchmark and the baseline it was measured against in the same run. */
export interface Figure {
  figure: string;
  value: string;
  baseline: string;
}

const FIGURES_DIR_VARIABLE = 'BENCH_FIGURES_DIR';

/**
 * Hands a benchmark's headline figures to `npm run bench`, which prints them all in one table at the end.
 * A benchmark run on its own (`tsx bench/x.ts`) has nobody to hand them to and just prints its own tables.
 */
export function reportFigures(bench: string, figures: Figure[]): void {
  const dir = process.env[FIGURES_DIR_VARIABLE];
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, `${bench}.json`), JSON.stringify(figures));
}

export function figuresDirEnv(dir: string): Record<string, string> {
  return { [FIGURES_DIR_VARIABLE]: dir };
}

/** Every reported figure, in the order the benchmarks ran, as one table. */
export function figuresTable(dir: string, order: string[]): string {
  const files = new Set(readdirSync(dir));
  const rows = order
    .filter((bench) => files.has(`${bench}.json`))
    .flatMap((bench) => (JSON.parse(readFileSync(path.join(dir, `${bench}.json`), 'utf8')) as Figure[]).map((f) => [bench, f.figure, f.value, f.baseline]));
  return formatTable(['bench', 'figure', 'value', 'same-run baseline'], rows);
}
