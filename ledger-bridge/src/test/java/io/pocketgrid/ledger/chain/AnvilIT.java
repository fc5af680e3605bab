package io.pocketgrid.ledger.chain;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.Socket;
import org.junit.jupiter.api.Test;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.http.HttpService;

class AnvilIT {

    @Test
    void startsOnFreeLoopbackPortServesChainIdAndStopsCompletely() throws Exception {
        int port;
        try (AnvilNode anvil = AnvilNode.start()) {
            port = anvil.port();
            assertThat(port).isPositive();
            assertThat(anvil.rpcUrl()).isEqualTo("http://127.0.0.1:" + port);
            Web3j web3j = Web3j.build(new HttpService(anvil.rpcUrl()));
            try {
                assertThat(web3j.ethChainId().send().getChainId().longValueExact()).isEqualTo(31337L);
            } finally {
                web3j.shutdown();
            }
        }
        assertThat(portAccepts(port)).as("port %d closed after stop", port).isFalse();
    }

    private static boolean portAccepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (Exception e) {
            return false;
        }
    }
}
