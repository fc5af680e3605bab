package io.pocketgrid.ledger.contract;

import io.pocketgrid.ledger.chain.ChainClient;
import io.pocketgrid.ledger.contract.generated.RewardToken;
import java.io.IOException;
import java.math.BigInteger;
import org.web3j.protocol.core.RemoteCall;
import org.web3j.tx.gas.StaticGasProvider;

/** Reads of an ERC-20 reward token and the call data of a transfer, over the generated wrapper. */
public final class TokenContract {

    private final ChainClient client;
    private final RewardToken wrapper;

    private TokenContract(ChainClient client, String address) {
        this.client = client;
        this.wrapper = RewardToken.load(address, client.web3j(), client.transactionManager(),
                new StaticGasProvider(BigInteger.ZERO, BigInteger.ZERO));
    }

    /** The ERC-20 at {@code address} (any ERC-20: only standard functions are used). */
    public static TokenContract at(ChainClient client, String address) {
        return new TokenContract(client, address);
    }

    public String address() {
        return wrapper.getContractAddress();
    }

    public BigInteger balanceOf(String account) {
        return view("balanceOf", wrapper.balanceOf(account));
    }

    public BigInteger totalSupply() {
        return view("totalSupply", wrapper.totalSupply());
    }

    /** Call data of {@code transfer(to, amount)}. */
    public String encodeTransfer(String to, BigInteger amount) {
        return wrapper.transfer(to, amount).encodeFunctionCall();
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
