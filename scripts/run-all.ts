/**
 * Runs worker, API and bot as child processes of one tree (what `npm start` ends in), prefixes their output,
 * and stops them all on Ctrl-C. If one of them crashes the others are stopped too, so a broken start is loud.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';

const root = path.resolve(__dirname, '..');
const processes = [
  { name: 'worker', entry: 'workers/main.ts', colour: 35 },
  { name: 'api', entry: 'api/main.ts', colour: 32 },
  { name: 'bot', entry: 'bot/main.ts', colour: 34 },
];

const children = new Map<string, ChildProcess>();
let stopping = false;
let exitCode = 0;

function pipe(stream: NodeJS.ReadableStream, prefix: string, out: NodeJS.WriteStream): void {
  readline.createInterface({ input: stream }).on('line', (line) => out.write(`${prefix} ${line}\n`));
}

function stopAll(signal: NodeJS.Signals): void {
  if (stopping) return;
  stopping = true;
  console.log(`\nstopping worker, api and bot (${signal})...`);
  for (const child of children.values()) child.kill(signal);
  setTimeout(() => {
    for (const child of children.values()) child.kill('SIGKILL');
  }, 30_000).unref();
}

for (const { name, entry, colour } of processes) {
  // node itself with tsx's loader (not the tsx wrapper), so SIGINT/SIGTERM reach the process that handles them
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, entry)], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
  const prefix = `\x1b[${colour}m${name.padEnd(6)}|\x1b[0m`;
  pipe(child.stdout!, prefix, process.stdout);
  pipe(child.stderr!, prefix, process.stderr);
  children.set(name, child);
  child.on('exit', (code, signal) => {
    children.delete(name);
    if (!stopping && code !== 0) {
      console.error(`${prefix} exited with ${signal ?? `code ${code}`}; stopping the others`);
      exitCode = 1;
      stopAll('SIGTERM');
    }
    if (children.size === 0) process.exit(exitCode);
  });
}

process.on('SIGINT', () => stopAll('SIGINT'));
process.on('SIGTERM', () => stopAll('SIGTERM'));
