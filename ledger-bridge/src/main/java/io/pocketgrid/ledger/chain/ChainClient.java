package io.pocketgrid.ledger.chain;

import java.io.IOException;
import java.math.BigInteger;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.crypto.AccessListObject;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Hash;
import org.web3j.crypto.RawTransaction;
import org.web3j.crypto.TransactionEncoder;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.Response;
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.protocol.core.methods.response.EthCall;
import org.web3j.protocol.core.methods.response.EthEstimateGas;
import org.web3j.protocol.core.methods.response.EthSendTransaction;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.protocol.http.HttpService;
import org.web3j.tx.RawTransactionManager;
import org.web3j.tx.TransactionManager;
import org.web3j.utils.Numeric;

/**
 * Sends EIP-1559 transactions and waits for confirmed receipts, retrying while the node is unreachable.
 *
 * <p>Nonces always come from the chain (the pending count, as {@link RawTransactionManager} does), so
 * several clients or a restarted process never reuse one. A transaction is signed once and the same bytes
 * are re-sent after a network failure, so a retry cannot create a second transaction. The key is never
 * logged or printed.
 */
public final class ChainClient implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ChainClient.class);
    private static final BigInteger DEFAULT_TIP = BigInteger.valueOf(1_000_000_000L);

    private final ChainProperties properties;
    private final HttpService service;
    private final Web3j web3j;
    private final Credentials credentials;
    private final long chainId;
    private final RevertDecoder revertDecoder;
    private final CallingTransactionManager transactionManager;

    private ChainClient(ChainProperties properties, HttpService service, Credentials credentials, RevertDecoder decoder) {
        this.properties = properties;
        this.service = service;
        this.web3j = Web3j.build(service, properties.pollInterval().toMillis(),
                java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                    Thread t = new Thread(r, "web3j-poll");
                    t.setDaemon(true);
                    return t;
                }));
        this.credentials = credentials;
        this.revertDecoder = decoder;
        this.chainId = retry("eth_chainId", () -> check(web3j.ethChainId().send()).getChainId().longValueExact());
        this.transactionManager = new CallingTransactionManager(this);
    }

    /** Connects with the key named by {@code properties.key()}. */
    public static ChainClient connect(ChainProperties properties, RevertDecoder decoder) {
        return connect(properties, properties.key().load(), decoder);
    }

    /** Connects with {@code credentials}; reads the chain id (retrying while the node is down). */
    public static ChainClient connect(ChainProperties properties, Credentials credentials, RevertDecoder decoder) {
        return new ChainClient(properties, new HttpService(properties.rpcUrl()), credentials, decoder);
    }

    public ChainProperties properties() {
        return properties;
    }

    public Web3j web3j() {
        return web3j;
    }

    /** The signer's address. */
    public String address() {
        return credentials.getAddress();
    }

    public long chainId() {
        return chainId;
    }

    /** A transaction manager for generated wrappers: signs with this client's key; reverts decode to exceptions. */
    public TransactionManager transactionManager() {
        return transactionManager;
    }

    public RevertDecoder revertDecoder() {
        return revertDecoder;
    }

    /** Runs a node call under the retry policy. */
    public <T> T retry(String what, RetryPolicy.IoOperation<T> operation) {
        return properties.retry().run(what, operation,
                (w, attempt, wait, cause) -> LOG.warn("{} failed (attempt {}): {}; retrying in {} ms", w, attempt,
                        cause.toString(), wait.toMillis()));
    }

    /** The latest block number. */
    public long blockNumber() {
        return retry("eth_blockNumber", () -> check(web3j.ethBlockNumber().send()).getBlockNumber().longValueExact());
    }

    /** {@code eth_call} from this client's address at the latest block; reverts throw {@link ContractRevertException}. */
    public String call(String to, String data) {
        return retry("eth_call", () -> {
            EthCall result = web3j.ethCall(Transaction.createEthCallTransaction(address(), to, data),
                    DefaultBlockParameterName.LATEST).send();
            if (result.hasError()) {
                throw revertDecoder.exception("call", result.getError().getData(), result.getError().getMessage());
            }
            return result.getValue();
        });
    }

    /** A transaction that was signed and handed to the node. */
    public record SentTransaction(String hash, BigInteger nonce, BigInteger gasLimit) {
    }

    /**
     * Signs and sends a transaction calling {@code to} (null: create a contract) with {@code data}. The gas
     * limit is estimated first, so a call that would revert throws {@link ContractRevertException} and is not
     * sent. Calls into other contracts get an EIP-2930 access list when that makes them cheaper.
     */
    public SentTransaction send(String to, String data) {
        BigInteger nonce = retry("eth_getTransactionCount", () -> check(web3j.ethGetTransactionCount(address(),
                DefaultBlockParameterName.PENDING).send()).getTransactionCount());
        Optional<AccessLists.Result> accessList = to == null ? Optional.empty()
                : retry("eth_createAccessList", () -> AccessLists.create(service, address(), to, data));
        BigInteger gasLimit;
        List<AccessListObject> entries = List.of();
        if (accessList.isPresent() && !accessList.get().entries().isEmpty()) {
            entries = accessList.get().entries();
            gasLimit = withMargin(accessList.get().gasUsed());
        } else {
            gasLimit = estimateGas(to, data);
        }
        BigInteger tip = retry("eth_maxPriorityFeePerGas", () -> {
            var response = web3j.ethMaxPriorityFeePerGas().send();
            return response.hasError() ? DEFAULT_TIP : response.getMaxPriorityFeePerGas();
        });
        BigInteger baseFee = retry("eth_getBlockByNumber", () -> check(web3j.ethGetBlockByNumber(
                DefaultBlockParameterName.LATEST, false).send()).getBlock().getBaseFeePerGas());
        BigInteger maxFee = baseFee.shiftLeft(1).add(tip);
        RawTransaction raw = RawTransaction.createTransaction(chainId, nonce, gasLimit, to == null ? "" : to,
                BigInteger.ZERO, data, tip, maxFee, entries);
        String signed = Numeric.toHexString(TransactionEncoder.signMessage(raw, chainId, credentials));
        String hash = Hash.sha3(signed);
        retry("eth_sendRawTransaction", () -> {
            EthSendTransaction response = web3j.ethSendRawTransaction(signed).send();
            if (response.hasError() && !alreadySent(response.getError().getMessage())) {
                throw new ChainUnavailableException("transaction rejected: " + response.getError().getMessage());
            }
            return hash;
        });
        LOG.info("sent transaction {} (nonce {}, gas limit {})", hash, nonce, gasLimit);
        return new SentTransaction(hash, nonce, gasLimit);
    }

    private static boolean alreadySent(String message) {
        String m = message == null ? "" : message.toLowerCase(Locale.ROOT);
        return m.contains("already known") || m.contains("known transaction") || m.contains("already imported")
                || m.contains("nonce too low");
    }

    private BigInteger estimateGas(String to, String data) {
        return retry("eth_estimateGas", () -> {
            Transaction tx = to == null
                    ? Transaction.createContractTransaction(address(), null, null, data)
                    : Transaction.createEthCallTransaction(address(), to, data);
            EthEstimateGas estimate = web3j.ethEstimateGas(tx).send();
            if (estimate.hasError()) {
                throw revertDecoder.exception("transaction", estimate.getError().getData(),
                        estimate.getError().getMessage());
            }
            return withMargin(estimate.getAmountUsed());
        });
    }

    private static BigInteger withMargin(BigInteger gas) {
        return gas.add(gas.shiftRight(2)).add(BigInteger.valueOf(10_000));
    }

    /**
     * Waits until {@code hash} is mined and has {@link ChainProperties#confirmations()} confirmations, and is
     * still in the canonical chain.
     *
     * @return the receipt, which may have a failed status
     * @throws ReceiptTimeoutException if that did not happen within the receipt timeout
     */
    public TransactionReceipt awaitReceipt(String hash) {
        long deadline = System.nanoTime() + properties.receiptTimeout().toNanos();
        while (System.nanoTime() < deadline) {
            Optional<TransactionReceipt> receipt = receipt(hash);
            if (receipt.isPresent()) {
                long mined = receipt.get().getBlockNumber().longValueExact();
                if (blockNumber() >= mined + properties.confirmations() - 1) {
                    // Re-read: a reorg while we waited may have dropped or moved the transaction.
                    Optional<TransactionReceipt> again = receipt(hash);
                    if (again.isPresent() && again.get().getBlockHash().equals(receipt.get().getBlockHash())) {
                        return again.get();
                    }
                }
            }
            sleep(properties.pollInterval());
        }
        throw new ReceiptTimeoutException("no confirmed receipt for " + hash + " within " + properties.receiptTimeout());
    }

    /** The receipt of {@code hash}, if mined. */
    public Optional<TransactionReceipt> receipt(String hash) {
        return retry("eth_getTransactionReceipt",
                () -> check(web3j.ethGetTransactionReceipt(hash).send()).getTransactionReceipt());
    }

    /**
     * Sends and waits for the confirmed receipt.
     *
     * @throws ContractRevertException if estimation or the mined transaction reverted
     */
    public TransactionReceipt execute(String to, String data) {
        SentTransaction sent = send(to, data);
        TransactionReceipt receipt = awaitReceipt(sent.hash());
        if (!receipt.isStatusOK()) {
            throw new ContractRevertException(null, null, "transaction " + sent.hash() + " reverted in block "
                    + receipt.getBlockNumber());
        }
        return receipt;
    }

    /**
     * Waits until no transaction of this account is pending (the pending nonce equals the mined one), e.g.
     * one sent by a process that died before its receipt.
     *
     * @return whether none is pending
     */
    public boolean awaitOwnPendingTransactions(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            BigInteger pending = transactionCount(DefaultBlockParameterName.PENDING);
            BigInteger mined = transactionCount(DefaultBlockParameterName.LATEST);
            if (pending.compareTo(mined) <= 0) {
                return true;
            }
            if (System.nanoTime() > deadline) {
                return false;
            }
            LOG.info("waiting for {} pending transaction(s) of this account", pending.subtract(mined));
            sleep(properties.pollInterval());
        }
    }

    private BigInteger transactionCount(DefaultBlockParameter block) {
        return retry("eth_getTransactionCount",
                () -> check(web3j.ethGetTransactionCount(address(), block).send()).getTransactionCount());
    }

    @Override
    public void close() {
        web3j.shutdown();
    }

    @Override
    public String toString() {
        return "ChainClient[" + properties.rpcUrl() + ", chain " + chainId + ", from " + address() + "]";
    }

    /** Throws {@link IOException} (so the call is retried) for a JSON-RPC error answer. */
    static <R extends Response<?>> R check(R response) throws IOException {
        if (response.hasError()) {
            throw new IOException("JSON-RPC error " + response.getError().getCode() + ": " + response.getError().getMessage());
        }
        return response;
    }

    static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ChainUnavailableException("interrupted", e);
        }
    }

    /** Lets generated wrappers run views through this client: retries, revert decoding. */
    private static final class CallingTransactionManager extends RawTransactionManager {
        private final ChainClient client;

        CallingTransactionManager(ChainClient client) {
            super(client.web3j, client.credentials, client.chainId);
            this.client = client;
        }

        @Override
        public String sendCall(String to, String data, DefaultBlockParameter block) {
            return client.call(to, data);
        }
    }
}
