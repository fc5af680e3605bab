package io.pocketgrid.ledger;

import io.pocketgrid.ledger.chain.ChainClient;
import io.pocketgrid.ledger.chain.ChainProperties;
import io.pocketgrid.ledger.chain.ChainUnavailableException;
import io.pocketgrid.ledger.chain.ContractRevertException;
import io.pocketgrid.ledger.chain.RevertDecoder;
import io.pocketgrid.ledger.contract.Deployments;
import io.pocketgrid.ledger.contract.LedgerContract;
import io.pocketgrid.ledger.contract.TokenContract;
import io.pocketgrid.ledger.contract.generated.ContributionLedger;
import io.pocketgrid.ledger.contract.generated.RewardToken;
import io.pocketgrid.ledger.merkle.Bytes32;
import io.pocketgrid.ledger.merkle.Leaf;
import java.math.BigInteger;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/**
 * The portal's handle on the ledger contract: commits epochs exactly once, submits claims, reads views.
 *
 * <p>Contract state is the truth, not transaction hashes: {@link #commitEpoch} reads {@code lastEpoch()}
 * and the epoch's root before sending and again after any failure, and waits for this account's pending
 * transactions first, so a commit sent by a process that died before its receipt is found rather than
 * repeated. Thread-safe for reads; serialize commits (one committer per ledger, e.g. a database lock).
 */
public final class LedgerClient implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LedgerClient.class);

    private final ChainClient chain;
    private final LedgerContract contract;

    private LedgerClient(ChainClient chain, String ledgerAddress) {
        this.chain = chain;
        this.contract = LedgerContract.at(chain, ledgerAddress);
    }

    /** A chain client that names this module's contract errors in reverts. */
    public static ChainClient chainClient(ChainProperties properties, Credentials credentials) {
        return ChainClient.connect(properties, credentials, revertDecoder());
    }

    /** Names the custom errors of ContributionLedger and RewardToken. */
    public static RevertDecoder revertDecoder() {
        return RevertDecoder.forWrappers(ContributionLedger.class, RewardToken.class);
    }

    /** Connects to the ledger at {@code properties.contractAddress()} with the key from {@code properties.key()}. */
    public static LedgerClient connect(ChainProperties properties) {
        return connect(properties, properties.key().load());
    }

    /** Connects to the ledger at {@code properties.contractAddress()}, signing with {@code credentials}. */
    public static LedgerClient connect(ChainProperties properties, Credentials credentials) {
        Objects.requireNonNull(properties.contractAddress(), "contractAddress: deploy first");
        return new LedgerClient(chainClient(properties, credentials), properties.contractAddress());
    }

    /**
     * Deploys a reward token (unless {@code options} names one), the ledger owned by the signer, and funds the
     * ledger with {@code options.funding()} tokens.
     */
    public static Deployment deploy(ChainProperties properties, Credentials credentials, DeployOptions options) {
        try (ChainClient chain = chainClient(properties, credentials)) {
            String token = options.existingToken();
            if (token == null) {
                token = chain.execute(null, Deployments.rewardToken(options.tokenName(), options.tokenSymbol(),
                        chain.address(), options.tokenSupply())).getContractAddress();
            }
            TransactionReceipt created = chain.execute(null,
                    Deployments.ledger(chain.address(), token, options.tokensPerMicroCredit()));
            String ledger = created.getContractAddress();
            if (options.funding().signum() > 0) {
                chain.execute(token, TokenContract.at(chain, token).encodeTransfer(ledger, options.funding()));
            }
            LOG.info("deployed ContributionLedger {} paying token {} on chain {}", ledger, token, chain.chainId());
            return new Deployment(ledger, token, created.getBlockNumber().longValueExact());
        }
    }

    /** Typed views of the contract. */
    public LedgerContract contract() {
        return contract;
    }

    /** The reward token. */
    public TokenContract token() {
        return TokenContract.at(chain, contract.rewardToken());
    }

    /** The underlying chain client. */
    public ChainClient chain() {
        return chain;
    }

    /**
     * Commits {@code commitment} unless the chain already has it; safe to call again after any failure or
     * from a restarted process.
     *
     * @throws EpochConflictException if the chain has another root for this epoch or has passed it without it
     * @throws ChainUnavailableException if the node stayed unreachable longer than the retry policy allows
     */
    public CommitResult commitEpoch(EpochCommitment commitment) {
        Duration giveUpAfter = chain.properties().retry().giveUpAfter().plus(chain.properties().receiptTimeout());
        long deadline = System.nanoTime() + giveUpAfter.toNanos();
        for (int attempt = 1; ; attempt++) {
            try {
                Optional<CommitResult> onChain = findOnChain(commitment);
                if (onChain.isPresent()) {
                    return onChain.get();
                }
                if (!chain.awaitOwnPendingTransactions(chain.properties().receiptTimeout())) {
                    throw new ChainUnavailableException("this account's earlier transactions are still pending");
                }
                onChain = findOnChain(commitment);
                if (onChain.isPresent()) {
                    return onChain.get();
                }
                return send(commitment);
            } catch (ContractRevertException e) {
                // Another committer may have won the race between our read and our send.
                Optional<CommitResult> onChain = findOnChain(commitment);
                if (onChain.isPresent()) {
                    return onChain.get();
                }
                throw e;
            } catch (ChainUnavailableException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                LOG.warn("committing epoch {} failed (attempt {}): {}; reading the chain again", commitment.epoch(),
                        attempt, e.getMessage());
                sleepBriefly(attempt);
            }
        }
    }

    private CommitResult send(EpochCommitment c) {
        var sent = chain.send(contract.address(), contract.encodeCommitEpoch(c));
        TransactionReceipt receipt = chain.awaitReceipt(sent.hash());
        if (!receipt.isStatusOK()) {
            throw new ContractRevertException(null, null, "commitEpoch " + c.epoch() + " reverted in " + sent.hash());
        }
        LOG.info("committed epoch {} root {} in {} (gas {})", c.epoch(), c.root(), sent.hash(), receipt.getGasUsed());
        return new CommitResult(c.epoch(), CommitResult.Status.COMMITTED, sent.hash(), receipt.getGasUsed(),
                receipt.getBlockNumber().longValueExact());
    }

    private Optional<CommitResult> findOnChain(EpochCommitment c) {
        long last = contract.lastEpoch();
        if (last < c.epoch()) {
            return Optional.empty();
        }
        Optional<Bytes32> root = contract.epochRoot(c.epoch());
        if (root.isEmpty()) {
            throw new EpochConflictException("the chain is at epoch " + last + " and never committed epoch " + c.epoch());
        }
        if (!root.get().equals(c.root())) {
            throw new EpochConflictException("epoch " + c.epoch() + " is committed with root " + root.get()
                    + ", not " + c.root());
        }
        return Optional.of(new CommitResult(c.epoch(), CommitResult.Status.ALREADY_COMMITTED, null, null, -1));
    }

    /**
     * Claims the credit of {@code leaf} not yet paid, proven against the latest epoch; the tokens go to the
     * leaf's payout address whoever signs.
     *
     * @throws ContractRevertException e.g. {@code InvalidProof}, {@code NothingToClaim}, {@code NoPayoutAddress}
     */
    public ClaimResult claim(Leaf leaf, List<Bytes32> proof) {
        TransactionReceipt receipt = chain.execute(contract.address(), contract.encodeClaim(leaf, proof));
        var event = ContributionLedger.getClaimedEvents(receipt).getFirst();
        BigInteger tokens = event.amount.multiply(contract.rate());
        return new ClaimResult(receipt.getTransactionHash(), receipt.getGasUsed(), event.amount, tokens);
    }

    /** The cumulative credit already paid to {@code accountId}. */
    public BigInteger claimed(Bytes32 accountId) {
        return contract.claimed(accountId);
    }

    @Override
    public void close() {
        chain.close();
    }

    private static void sleepBriefly(int attempt) {
        try {
            Thread.sleep(Math.min(5_000L, 200L * attempt));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ChainUnavailableException("interrupted", e);
        }
    }
}
