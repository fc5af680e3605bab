package io.pocketgrid.ledger.contract;

import io.pocketgrid.ledger.EpochCommitment;
import io.pocketgrid.ledger.chain.ChainClient;
import io.pocketgrid.ledger.chain.ContractRevertException;
import io.pocketgrid.ledger.contract.generated.ContributionLedger;
import io.pocketgrid.ledger.merkle.Bytes32;
import io.pocketgrid.ledger.merkle.Leaf;
import java.io.IOException;
import java.math.BigInteger;
import java.util.List;
import java.util.Optional;
import org.web3j.abi.EventEncoder;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.RemoteCall;
import org.web3j.protocol.core.methods.request.EthFilter;
import org.web3j.protocol.core.methods.response.EthLog;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.tx.gas.StaticGasProvider;
import org.web3j.utils.Numeric;

/**
 * Typed reads of a deployed ContributionLedger and the call data of its transactions, over the generated
 * wrapper. Every read retries while the node is down.
 */
public final class LedgerContract {

    private final ChainClient client;
    private final ContributionLedger wrapper;
    private volatile BigInteger rate;

    private LedgerContract(ChainClient client, String address) {
        this.client = client;
        this.wrapper = ContributionLedger.load(address, client.web3j(), client.transactionManager(),
                new StaticGasProvider(BigInteger.ZERO, BigInteger.ZERO));
    }

    /** The ledger at {@code address}. */
    public static LedgerContract at(ChainClient client, String address) {
        return new LedgerContract(client, address);
    }

    public String address() {
        return wrapper.getContractAddress();
    }

    /** The last committed epoch, 0 before the first. */
    public long lastEpoch() {
        return view("lastEpoch", wrapper.lastEpoch()).longValueExact();
    }

    public Bytes32 lastRoot() {
        return Bytes32.of(view("lastRoot", wrapper.lastRoot()));
    }

    public long lastLeafCount() {
        return view("lastLeafCount", wrapper.lastLeafCount()).longValueExact();
    }

    /** The root of {@code epoch}, empty if it was never committed. */
    public Optional<Bytes32> epochRoot(long epoch) {
        Bytes32 root = Bytes32.of(view("epochRoot", wrapper.epochRoot(BigInteger.valueOf(epoch))));
        return root.equals(Bytes32.ZERO) ? Optional.empty() : Optional.of(root);
    }

    /** The stored total of {@code epoch}: present for the latest epoch only (see {@link #epochRecord}). */
    public Optional<BigInteger> epochTotal(long epoch) {
        try {
            return Optional.of(view("epochTotal", wrapper.epochTotal(BigInteger.valueOf(epoch))));
        } catch (ContractRevertException notStored) {
            return Optional.empty();
        }
    }

    /** The cumulative amount already paid to {@code accountId}. */
    public BigInteger claimed(Bytes32 accountId) {
        return view("claimed", wrapper.claimed(accountId.toArray()));
    }

    /** Whether the contract accepts {@code proof} for {@code leaf} in {@code epoch}. */
    public boolean verify(long epoch, Leaf leaf, List<Bytes32> proof) {
        return view("verify", wrapper.verify(BigInteger.valueOf(epoch), leaf.accountId().toArray(),
                leaf.payout().toHex(), leaf.amount(), proofArrays(proof)));
    }

    public String rewardToken() {
        return view("rewardToken", wrapper.rewardToken());
    }

    /** Token base units per micro-credit (immutable in the contract, so read once). */
    public BigInteger rate() {
        BigInteger r = rate;
        if (r == null) {
            r = view("rate", wrapper.rate());
            rate = r;
        }
        return r;
    }

    public String owner() {
        return view("owner", wrapper.owner());
    }

    /** Call data of {@code commitEpoch}. */
    public String encodeCommitEpoch(EpochCommitment c) {
        return wrapper.commitEpoch(BigInteger.valueOf(c.epoch()), c.root().toArray(), c.total(),
                BigInteger.valueOf(c.leafCount()), c.exportHash().toArray()).encodeFunctionCall();
    }

    /** Call data of {@code claim}. */
    public String encodeClaim(Leaf leaf, List<Bytes32> proof) {
        return wrapper.claim(leaf.accountId().toArray(), leaf.payout().toHex(), leaf.amount(), proofArrays(proof))
                .encodeFunctionCall();
    }

    /** An epoch as recorded by its {@code EpochCommitted} event. */
    public record EpochRecord(EpochCommitment commitment, long blockNumber, String transactionHash) {
    }

    /**
     * The {@code EpochCommitted} events of {@code epoch} from block {@code fromBlock} on (normally exactly
     * one): the total, leaf count and export hash of epochs older than the latest.
     */
    public List<EpochRecord> epochRecords(long epoch, long fromBlock) {
        EthFilter filter = new EthFilter(DefaultBlockParameter.valueOf(BigInteger.valueOf(fromBlock)),
                DefaultBlockParameterName.LATEST, address());
        filter.addSingleTopic(EventEncoder.encode(ContributionLedger.EPOCHCOMMITTED_EVENT));
        filter.addSingleTopic(Numeric.toHexStringWithPrefixZeroPadded(BigInteger.valueOf(epoch), 64));
        EthLog logs = client.retry("eth_getLogs", () -> checked(client.web3j().ethGetLogs(filter).send()));
        return logs.getLogs().stream().map(result -> (Log) result.get()).map(LedgerContract::record).toList();
    }

    /** {@link #epochRecords} of one epoch, the last if there were several (e.g. after a reorg). */
    public Optional<EpochRecord> epochRecord(long epoch, long fromBlock) {
        List<EpochRecord> records = epochRecords(epoch, fromBlock);
        return records.isEmpty() ? Optional.empty() : Optional.of(records.getLast());
    }

    private static EpochRecord record(Log log) {
        var event = ContributionLedger.getEpochCommittedEventFromLog(log);
        EpochCommitment c = new EpochCommitment(event.epoch.longValueExact(), Bytes32.of(event.root), event.total,
                event.leafCount.longValueExact(), Bytes32.of(event.exportHash));
        return new EpochRecord(c, log.getBlockNumber().longValueExact(), log.getTransactionHash());
    }

    private static EthLog checked(EthLog log) throws IOException {
        if (log.hasError()) {
            throw new IOException("eth_getLogs: " + log.getError().getMessage());
        }
        return log;
    }

    private static List<byte[]> proofArrays(List<Bytes32> proof) {
        return proof.stream().map(Bytes32::toArray).toList();
    }

    private <T> T view(String what, RemoteCall<T> call) {
        return client.retry(what, () -> {
            try {
                return call.send();
            } catch (IOException | RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(what + " failed", e);
            }
        });
    }
}
