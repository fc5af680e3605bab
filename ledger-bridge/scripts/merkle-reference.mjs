// Reference roots and proofs from OpenZeppelin's JavaScript StandardMerkleTree, for the tests.
// Usage: node merkle-reference.mjs LEAVES.csv [PROOF_INDEX...]   (CSV: accountId,payout,amount; no header)
// Prints JSON: {"root": "0x…", "proofs": {"<index>": ["0x…", …]}}
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(join(dirname(fileURLToPath(import.meta.url)), '..', 'package.json'));
const { StandardMerkleTree } = require('@openzeppelin/merkle-tree');

const [file, ...indexes] = process.argv.slice(2);
const values = readFileSync(file, 'utf8').split('\n').filter((l) => l.trim()).map((l) => l.split(','));
const tree = StandardMerkleTree.of(values, ['bytes32', 'address', 'uint256']);
const proofs = {};
for (const i of indexes) proofs[i] = tree.getProof(Number(i));
console.log(JSON.stringify({ root: tree.root, proofs }));
