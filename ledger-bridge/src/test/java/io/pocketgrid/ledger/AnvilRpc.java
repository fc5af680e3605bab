package io.pocketgrid.ledger;

import java.io.IOException;
import java.util.List;
import org.web3j.protocol.Web3jService;
import org.web3j.protocol.core.Request;
import org.web3j.protocol.core.Response;

/** Anvil's own RPC methods, for tests. */
public final class AnvilRpc {
    private AnvilRpc() {
    }

    /** Turns automatic mining of each transaction on or off. */
    public static void setAutomine(Web3jService service, boolean on) throws IOException {
        call(service, "evm_setAutomine", List.of(on));
    }

    /** Mines {@code blocks} blocks now. */
    public static void mine(Web3jService service, int blocks) throws IOException {
        call(service, "anvil_mine", List.of("0x" + Integer.toHexString(blocks)));
    }

    private static void call(Web3jService service, String method, List<?> params) throws IOException {
        Response<?> response = new Request<>(method, params, service, GenericResponse.class).send();
        if (response.hasError()) {
            throw new IOException(method + ": " + response.getError().getMessage());
        }
    }

    /** Any result. */
    public static final class GenericResponse extends Response<Object> {
    }
}
