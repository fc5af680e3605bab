// Runs `npm ci` in the module folder unless node_modules was already installed from this exact
// package-lock.json (a copy of the lock file is kept in node_modules as the marker).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, copyFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const moduleDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const lock = join(moduleDir, 'package-lock.json');
const marker = join(moduleDir, 'node_modules', '.pocketgrid-installed-lock.json');

if (existsSync(marker) && readFileSync(marker).equals(readFileSync(lock))) {
  console.log('[npm-ci] node_modules matches package-lock.json, skipping npm ci');
} else {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  console.log('[npm-ci] running npm ci');
  execFileSync(npm, ['ci', '--no-audit', '--no-fund'], { cwd: moduleDir, stdio: 'inherit' });
  copyFileSync(lock, marker);
}
