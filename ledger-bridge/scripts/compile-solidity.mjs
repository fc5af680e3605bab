// Compiles every .sol file of a folder with the pinned npm solc through standard JSON and writes
// <Contract>.abi and <Contract>.bin (only contracts defined in that folder) to the output folder.
// Usage: node compile-solidity.mjs SOURCE_DIR OUT_DIR
// The EVM version is explicit: solc 0.8.37 defaults to osaka, which anvil 1.7.1 does not run.
import { createRequire } from 'node:module';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const SETTINGS = {
  evmVersion: 'prague',
  optimizer: { enabled: true, runs: 1000000 },
  viaIR: true,
  outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object'] } },
};

const moduleDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(moduleDir, 'package.json'));
const [sourceDir, outDir] = process.argv.slice(2).map((p) => resolve(p));
if (!sourceDir || !outDir) {
  console.error('usage: node compile-solidity.mjs SOURCE_DIR OUT_DIR');
  process.exit(2);
}

const sources = {};
for (const file of readdirSync(sourceDir).filter((f) => f.endsWith('.sol')).sort()) {
  sources[file] = { content: readFileSync(join(sourceDir, file), 'utf8') };
}

const solcPackage = require('solc/package.json');
const fingerprint = createHash('sha256')
  .update(JSON.stringify({ sources, SETTINGS, solc: solcPackage.version, script: readFileSync(fileURLToPath(import.meta.url), 'utf8') }))
  .digest('hex');
const stamp = join(outDir, '.fingerprint');
if (existsSync(stamp) && readFileSync(stamp, 'utf8') === fingerprint) {
  console.log('[solc] contracts unchanged, skipping compilation');
  process.exit(0);
}

function findImports(path) {
  try {
    return { contents: readFileSync(require.resolve(path), 'utf8') };
  } catch (e) {
    return { error: `import not found: ${path}` };
  }
}

const solc = require('solc');
const input = { language: 'Solidity', sources, settings: SETTINGS };
const output = JSON.parse(solc.compile(JSON.stringify(input), { import: findImports }));
let failed = false;
for (const message of output.errors ?? []) {
  console.error(message.formattedMessage ?? message.message);
  failed ||= message.severity === 'error';
}
if (failed) process.exit(1);

mkdirSync(outDir, { recursive: true });
for (const file of Object.keys(sources)) {
  for (const [name, contract] of Object.entries(output.contracts[file] ?? {})) {
    const bin = contract.evm.bytecode.object;
    if (!bin) continue; // interfaces and abstract contracts
    writeFileSync(join(outDir, `${name}.abi`), JSON.stringify(contract.abi));
    writeFileSync(join(outDir, `${name}.bin`), bin);
    console.log(`[solc ${solc.version()}] ${name}: ${bin.length / 2} bytes, evmVersion ${SETTINGS.evmVersion}`);
  }
}
writeFileSync(join(outDir, 'settings.json'), JSON.stringify({ solc: solc.version(), ...SETTINGS }, null, 2));
writeFileSync(stamp, fingerprint);
