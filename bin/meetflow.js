#!/usr/bin/env node
// The `meetflow` command. Runs the TypeScript sources through tsx (compiled dist/ when present).
const path = require('node:path');
const fs = require('node:fs');

const compiled = path.join(__dirname, '..', 'dist', 'cli', 'main.js');
if (fs.existsSync(compiled) && process.env.NODE_ENV === 'production') {
  require(compiled);
} else {
  require('tsx/cjs');
  require(path.join(__dirname, '..', 'cli', 'main.ts'));
}
