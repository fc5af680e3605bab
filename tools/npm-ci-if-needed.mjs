// Runs `npm ci` in the given folder (default: the current one) unless node_modules was already
// installed from this exact package-lock.json (a copy of the lock file is kept in node_modules as
// the marker). Used by the Maven builds of ledger-bridge and browser-worker and by bench/engine.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, copyFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const dir = resolve(process.argv[2] || '.');
const lock = join(dir, 'package-lock.json');
const marker = join(dir, 'node_modules', '.pocketgrid-installed-lock.json');

if (existsSync(marker) && readFileSync(marker).equals(readFileSync(lock))) {
  console.log('[npm-ci] ' + dir + ': node_modules matches package-lock.json, skipping npm ci');
} else {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  console.log('[npm-ci] ' + dir + ': running npm ci');
  execFileSync(npm, ['ci', '--no-audit', '--no-fund'], { cwd: dir, stdio: 'inherit' });
  copyFileSync(lock, marker);
}
