package io.pocketgrid.ledger.merkle;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * A Merkle tree of {@link Leaf} values laid out exactly like OpenZeppelin's JavaScript
 * {@code StandardMerkleTree} with leaf encoding {@code ["bytes32", "address", "uint256"]}: leaves are
 * double-hashed ABI encodings, sorted by hash, stored from the end of a flat array; node {@code i} has
 * children {@code 2i+1} and {@code 2i+2}; pairs are hashed in sorted order. Roots and proofs therefore
 * equal the JavaScript library's and verify with Solidity's {@code MerkleProof}.
 *
 * <p>Immutable once built; safe to share between threads.
 */
public final class StandardMerkleTree {

    private static final int HASH = 32;
    private static final VarHandle BE_LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private final List<Leaf> values;
    /** Node hashes, 32 bytes each, {@code 2n - 1} nodes; the root is node 0. */
    private final byte[] nodes;
    /** Tree index of each value, by value index. */
    private final int[] treeIndex;
    private volatile Map<Bytes32, Integer> indexByAccount;

    private StandardMerkleTree(List<Leaf> values, byte[] nodes, int[] treeIndex) {
        this.values = values;
        this.nodes = nodes;
        this.treeIndex = treeIndex;
    }

    /**
     * Builds the tree of {@code leaves}, which keep their order as value indexes.
     *
     * @throws IllegalArgumentException if there are no leaves
     */
    public static StandardMerkleTree of(List<Leaf> leaves) {
        int n = leaves.size();
        if (n == 0) {
            throw new IllegalArgumentException("a Merkle tree needs at least one leaf");
        }
        List<Leaf> values = List.copyOf(leaves);
        Keccak256 keccak = new Keccak256();
        byte[] leafHashes = new byte[n * HASH];
        byte[] encoded = new byte[96];
        for (int i = 0; i < n; i++) {
            values.get(i).encodeTo(encoded, 0);
            keccak.hashShort(encoded, 0, 96, encoded, 0);
            keccak.hashShort(encoded, 0, HASH, leafHashes, i * HASH);
        }
        int[] order = sortedByHash(leafHashes, n);

        byte[] nodes = new byte[(2 * n - 1) * HASH];
        int[] treeIndex = new int[n];
        int last = 2 * n - 2;
        for (int i = 0; i < n; i++) {
            System.arraycopy(leafHashes, order[i] * HASH, nodes, (last - i) * HASH, HASH);
            treeIndex[order[i]] = last - i;
        }
        for (int i = n - 2; i >= 0; i--) {
            int left = (2 * i + 1) * HASH;
            int right = left + HASH;
            if (compare(nodes, left, nodes, right) <= 0) {
                keccak.hashPair(nodes, left, right, nodes, i * HASH);
            } else {
                keccak.hashPair(nodes, right, left, nodes, i * HASH);
            }
        }
        return new StandardMerkleTree(values, nodes, treeIndex);
    }

    /** The root. */
    public Bytes32 root() {
        return Bytes32.copyOf(nodes, 0);
    }

    /** The number of leaves. */
    public int size() {
        return values.size();
    }

    /** The leaves in the order they were given. */
    public List<Leaf> leaves() {
        return values;
    }

    /** The leaf with value index {@code index}. */
    public Leaf leaf(int index) {
        return values.get(index);
    }

    /** The value index of the first leaf of {@code accountId}. */
    public OptionalInt indexOf(Bytes32 accountId) {
        Map<Bytes32, Integer> map = indexByAccount;
        if (map == null) {
            map = new HashMap<>(values.size() * 2);
            for (int i = values.size() - 1; i >= 0; i--) {
                map.put(values.get(i).accountId(), i);
            }
            indexByAccount = map;
        }
        Integer index = map.get(accountId);
        return index == null ? OptionalInt.empty() : OptionalInt.of(index);
    }

    /** The proof of the leaf with value index {@code index}, from the leaf's sibling up. */
    public List<Bytes32> proof(int index) {
        int node = treeIndex[index];
        List<Bytes32> proof = new ArrayList<>(32);
        while (node > 0) {
            int sibling = (node & 1) == 1 ? node + 1 : node - 1;
            proof.add(Bytes32.copyOf(nodes, sibling * HASH));
            node = (node - 1) / 2;
        }
        return proof;
    }

    /** The hash of a leaf: {@code keccak256(keccak256(abi.encode(accountId, payout, amount)))}. */
    public static Bytes32 leafHash(Leaf leaf) {
        byte[] buf = new byte[96];
        leaf.encodeTo(buf, 0);
        Keccak256 keccak = new Keccak256();
        keccak.hashShort(buf, 0, 96, buf, 0);
        keccak.hashShort(buf, 0, HASH, buf, 0);
        return Bytes32.copyOf(buf, 0);
    }

    /** The root that {@code proof} leads to from {@code leaf}. */
    public static Bytes32 processProof(Leaf leaf, List<Bytes32> proof) {
        byte[] pair = new byte[2 * HASH];
        leafHash(leaf).copyTo(pair, 0);
        Keccak256 keccak = new Keccak256();
        for (Bytes32 element : proof) {
            element.copyTo(pair, HASH);
            if (compare(pair, 0, pair, HASH) <= 0) {
                keccak.hashPair(pair, 0, HASH, pair, 0);
            } else {
                keccak.hashPair(pair, HASH, 0, pair, 0);
            }
        }
        return Bytes32.copyOf(pair, 0);
    }

    /** Whether {@code proof} shows {@code leaf} to be in the tree with {@code root}. */
    public static boolean verify(Bytes32 root, Leaf leaf, List<Bytes32> proof) {
        return processProof(leaf, proof).equals(root);
    }

    /** Unsigned comparison of two 32-byte hashes. */
    static int compare(byte[] a, int aOff, byte[] b, int bOff) {
        for (int i = 0; i < HASH; i += 8) {
            int c = Long.compareUnsigned((long) BE_LONG.get(a, aOff + i), (long) BE_LONG.get(b, bOff + i));
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }

    /**
     * Value indexes ordered by leaf hash. Stable, like JavaScript's {@code Array.prototype.sort}, so equal
     * leaves keep their order as in the JavaScript library.
     */
    private static int[] sortedByHash(byte[] hashes, int n) {
        long[] prefix = new long[n];
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            prefix[i] = (long) BE_LONG.get(hashes, i * HASH);
            order[i] = i;
        }
        new IndexMergeSort(hashes, prefix).sort(order);
        return order;
    }

    /** A stable merge sort of value indexes by hash, on primitive arrays. */
    private record IndexMergeSort(byte[] hashes, long[] prefix) {

        void sort(int[] order) {
            int[] buffer = order.clone();
            mergeSort(buffer, order, 0, order.length);
        }

        /** Sorts {@code dst[from, to)}, using {@code src} (holding the same values) as scratch. */
        private void mergeSort(int[] src, int[] dst, int from, int to) {
            int length = to - from;
            if (length < 16) {
                for (int i = from + 1; i < to; i++) {
                    int v = dst[i];
                    int j = i - 1;
                    while (j >= from && less(v, dst[j])) {
                        dst[j + 1] = dst[j];
                        j--;
                    }
                    dst[j + 1] = v;
                }
                return;
            }
            int mid = (from + to) >>> 1;
            mergeSort(dst, src, from, mid);
            mergeSort(dst, src, mid, to);
            if (!less(src[mid], src[mid - 1])) {
                System.arraycopy(src, from, dst, from, length);
                return;
            }
            for (int i = from, p = from, q = mid; i < to; i++) {
                if (q >= to || (p < mid && !less(src[q], src[p]))) {
                    dst[i] = src[p++];
                } else {
                    dst[i] = src[q++];
                }
            }
        }

        private boolean less(int a, int b) {
            int c = Long.compareUnsigned(prefix[a], prefix[b]);
            if (c == 0) {
                c = compare(hashes, a * HASH, hashes, b * HASH);
            }
            return c < 0;
        }
    }
}
