// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {Ownable, Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";

/**
 * @title ContributionLedger
 * @notice Records, epoch by epoch, the Merkle root of every PocketGrid account's cumulative credit
 * and pays the reward token for credit not yet claimed.
 * @dev Leaves follow OpenZeppelin's StandardMerkleTree for the types (bytes32, address, uint256):
 * `keccak256(bytes.concat(keccak256(abi.encode(accountId, payout, amount))))`, pairs hashed sorted,
 * which is what OpenZeppelin's `MerkleProof.verifyCalldata` checks; the proof loop is written in
 * assembly here because that saves about 2,000 gas per claim with a 20-element proof.
 *
 * Storage is laid out for gas (see the module README): every epoch keeps its root (one new slot
 * per commit, which is what `verify` needs for any epoch); the latest epoch's number, total and
 * leaf count share one slot and its root a second one, both overwritten by each commit, so a
 * commit writes exactly one new slot and a claim reads one slot for the root. Totals, leaf counts
 * and export hashes of every epoch are in the `EpochCommitted` events; the root of an epoch
 * commits to its leaves and therefore to its total and leaf count as well.
 */
contract ContributionLedger is Ownable2Step {
    using SafeERC20 for IERC20;

    /// @notice The token paid on claims.
    IERC20 public immutable rewardToken;

    /// @notice Token base units paid per unit of `amount` (one micro-credit).
    uint256 public immutable rate;

    /// @dev The latest epoch: number (bits 0-63), leaf count (64-127), total (128-255).
    uint256 private _latest;

    /// @dev Root of the latest epoch, kept apart so a claim reads one slot.
    bytes32 private _latestRoot;

    /// @dev Root of every committed epoch.
    mapping(uint64 epoch => bytes32 root) private _roots;

    /// @notice Cumulative amount already paid out per account.
    mapping(bytes32 accountId => uint256 amount) public claimed;

    /**
     * @notice An epoch was committed.
     * @param epoch the epoch number
     * @param root the Merkle root of the epoch's leaves
     * @param total the sum of the leaves' amounts
     * @param leafCount the number of leaves
     * @param exportHash hash of the epoch's published leaf export
     */
    event EpochCommitted(uint64 indexed epoch, bytes32 root, uint256 total, uint64 leafCount, bytes32 exportHash);

    /**
     * @notice Credit was claimed. The token's `Transfer` event in the same transaction shows the payout
     * address and the tokens paid (`amount * rate`).
     * @param accountId the account whose credit was claimed
     * @param amount the newly claimed credit (micro-credits)
     */
    event Claimed(bytes32 indexed accountId, uint256 amount);

    /// @notice `epoch` is not greater than the last committed epoch `lastEpoch`.
    error EpochNotIncreasing(uint64 epoch, uint64 lastEpoch);

    /// @notice A root of zero cannot be committed.
    error EmptyRoot();

    /// @notice `total` does not fit the 128 bits the ledger stores.
    error TotalTooLarge(uint256 total);

    /// @notice The requested epoch has not been committed.
    error UnknownEpoch(uint64 epoch);

    /// @notice Only the latest epoch's total is kept in storage; older totals are in the events.
    error EpochTotalNotRetained(uint64 epoch, uint64 lastEpoch);

    /// @notice The proof does not show the leaf to be in the latest epoch's tree.
    error InvalidProof();

    /// @notice The account has already claimed `alreadyClaimed`, which is not less than `amount`.
    error NothingToClaim(bytes32 accountId, uint256 amount, uint256 alreadyClaimed);

    /// @notice The leaf has no payout address.
    error NoPayoutAddress(bytes32 accountId);

    /**
     * @param initialOwner the account allowed to commit epochs
     * @param token the reward token, which must be transferred to this contract to fund claims
     * @param tokensPerMicroCredit token base units paid per micro-credit
     */
    constructor(address initialOwner, IERC20 token, uint256 tokensPerMicroCredit) Ownable(initialOwner) {
        rewardToken = token;
        rate = tokensPerMicroCredit;
    }

    /**
     * @notice Commits the root of an epoch. Epoch numbers must strictly increase.
     * @dev Constant cost: one new storage slot, two overwritten ones and an event.
     * @param epoch the epoch number, greater than `lastEpoch()`
     * @param root the Merkle root of the epoch's leaves
     * @param total the sum of the leaves' amounts
     * @param leafCount the number of leaves
     * @param exportHash hash of the epoch's published leaf export (only emitted)
     */
    function commitEpoch(uint64 epoch, bytes32 root, uint256 total, uint64 leafCount, bytes32 exportHash)
        external
        onlyOwner
    {
        uint64 last = uint64(_latest);
        if (epoch <= last) revert EpochNotIncreasing(epoch, last);
        if (root == bytes32(0)) revert EmptyRoot();
        if (total > type(uint128).max) revert TotalTooLarge(total);
        _latest = (total << 128) | (uint256(leafCount) << 64) | epoch;
        _latestRoot = root;
        _roots[epoch] = root;
        emit EpochCommitted(epoch, root, total, leafCount, exportHash);
    }

    /**
     * @notice Pays the account's credit not yet claimed, as of the latest epoch, to the leaf's
     * payout address. Anyone may submit it: the tokens always go to the payout address.
     * @param accountId the account
     * @param payout the payout address in the account's leaf
     * @param amount the account's cumulative credit in the latest epoch's leaf
     * @param proof the Merkle proof of the leaf in the latest epoch's tree
     */
    function claim(bytes32 accountId, address payout, uint256 amount, bytes32[] calldata proof) external {
        if (_processProof(proof, _leaf(accountId, payout, amount)) != _latestRoot) revert InvalidProof();
        uint256 already = claimed[accountId];
        if (amount <= already) revert NothingToClaim(accountId, amount, already);
        if (payout == address(0)) revert NoPayoutAddress(accountId);
        claimed[accountId] = amount;
        uint256 credit;
        unchecked {
            credit = amount - already;
        }
        emit Claimed(accountId, credit);
        rewardToken.safeTransfer(payout, credit * rate);
    }

    /// @notice The last committed epoch, 0 before the first commit.
    function lastEpoch() external view returns (uint64) {
        return uint64(_latest);
    }

    /// @notice The leaf count of the last committed epoch.
    function lastLeafCount() external view returns (uint64) {
        return uint64(_latest >> 64);
    }

    /// @notice The root of the last committed epoch.
    function lastRoot() external view returns (bytes32) {
        return _latestRoot;
    }

    /// @notice The root of `epoch`, zero if it was never committed.
    function epochRoot(uint64 epoch) external view returns (bytes32) {
        return _roots[epoch];
    }

    /**
     * @notice The total of `epoch`. Kept in storage for the latest epoch only (older totals are in
     * the `EpochCommitted` events), else reverts with `EpochTotalNotRetained` or `UnknownEpoch`.
     */
    function epochTotal(uint64 epoch) external view returns (uint256) {
        uint256 latest = _latest;
        uint64 last = uint64(latest);
        if (epoch == last && last != 0) return latest >> 128;
        if (_roots[epoch] == bytes32(0)) revert UnknownEpoch(epoch);
        revert EpochTotalNotRetained(epoch, last);
    }

    /**
     * @notice Whether the leaf `(accountId, payout, amount)` is in the tree of `epoch`.
     * @return false also for an epoch never committed
     */
    function verify(uint64 epoch, bytes32 accountId, address payout, uint256 amount, bytes32[] calldata proof)
        external
        view
        returns (bool)
    {
        bytes32 root = _roots[epoch];
        return root != bytes32(0) && _processProof(proof, _leaf(accountId, payout, amount)) == root;
    }

    /// @dev StandardMerkleTree leaf: double keccak of the ABI encoding, computed in scratch memory.
    function _leaf(bytes32 accountId, address payout, uint256 amount) private pure returns (bytes32 leaf) {
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            mstore(ptr, accountId)
            mstore(add(ptr, 0x20), payout)
            mstore(add(ptr, 0x40), amount)
            mstore(0x00, keccak256(ptr, 0x60))
            leaf := keccak256(0x00, 0x20)
        }
    }

    /// @dev The root reached from `leaf` through `proof`, hashing each pair smaller value first.
    function _processProof(bytes32[] calldata proof, bytes32 leaf) private pure returns (bytes32 computed) {
        assembly ("memory-safe") {
            computed := leaf
            let ptr := proof.offset
            let end := add(ptr, shl(5, proof.length))
            // Branch-free sorted pair: when sibling < computed, x swaps the two.
            if and(proof.length, 1) {
                let sibling := calldataload(ptr)
                let x := mul(xor(computed, sibling), lt(sibling, computed))
                mstore(0x00, xor(computed, x))
                mstore(0x20, xor(sibling, x))
                computed := keccak256(0x00, 0x40)
                ptr := add(ptr, 0x20)
            }
            // Two levels per iteration: fewer jumps.
            for {} lt(ptr, end) { ptr := add(ptr, 0x40) } {
                let sibling := calldataload(ptr)
                let x := mul(xor(computed, sibling), lt(sibling, computed))
                mstore(0x00, xor(computed, x))
                mstore(0x20, xor(sibling, x))
                computed := keccak256(0x00, 0x40)
                sibling := calldataload(add(ptr, 0x20))
                x := mul(xor(computed, sibling), lt(sibling, computed))
                mstore(0x00, xor(computed, x))
                mstore(0x20, xor(sibling, x))
                computed := keccak256(0x00, 0x40)
            }
        }
    }
}
