/**
 * `npm run bench` runs every benchmark; `npm run bench -- <name>` runs one. Each prints its figures and the
 * baseline it compares against, measured in the same run.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { figuresDirEnv, figuresTable } from './lib/figures';

const benches = readdirSync(__dirname)
  .filter((file) => file.endsWith('.ts') && file !== 'index.ts')
  .map((file) => file.replace(/\.ts$/, ''));
const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !benches.includes(name));
if (unknown.length) {
  console.error(`unknown benchmark ${unknown.join(', ')}; available: ${benches.join(', ')}`);
  process.exit(2);
}
const figuresDir = mkdtempSync(path.join(os.tmpdir(), 'meetflow-bench-'));
const chosen = wanted.length ? wanted : benches;
let failed = 0;
for (const name of chosen) {
  console.log(`\n=== bench/${name} ===`);
  const run = spawnSync(path.join(__dirname, '..', 'node_modules', '.bin', 'tsx'), [path.join(__dirname, `${name}.ts`)], { stdio: 'inherit', env: { ...process.env, ...figuresDirEnv(figuresDir) } });
  if (run.status !== 0) failed += 1;
}
console.log(`\n=== every figure of this run ===\n${figuresTable(figuresDir, chosen)}`);
process.exit(failed ? 1 : 0);
