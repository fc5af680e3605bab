package io.pocketgrid.portal.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;

class ClientAddressTest {

    @Test
    void forwardedForIsIgnoredUnlessTheProxyIsTrusted() {
        ClientAddress untrusting = new ClientAddress(limits(List.of()));
        assertThat(untrusting.of(request("198.51.100.7", "203.0.113.1"))).isEqualTo("198.51.100.7");

        ClientAddress trusting = new ClientAddress(limits(List.of("10.0.0.0/8")));
        assertThat(trusting.of(request("10.1.2.3", "203.0.113.1"))).isEqualTo("203.0.113.1");
        // the rightmost untrusted hop counts: what the client wrote itself comes further left
        assertThat(trusting.of(request("10.1.2.3", "1.2.3.4, 203.0.113.1, 10.9.9.9"))).isEqualTo("203.0.113.1");
        // a request that did not come through the proxy cannot claim an address
        assertThat(trusting.of(request("198.51.100.7", "203.0.113.1"))).isEqualTo("198.51.100.7");
        assertThat(trusting.of(request("10.1.2.3", "not-an-address"))).isEqualTo("10.1.2.3");
    }

    @Test
    void ipv6ClientsAreKeyedByTheirSlash64AndLoopbackIsExemptByDefault() {
        ClientAddress clients = new ClientAddress(limits(List.of()));
        assertThat(clients.of(request("2001:db8:1:2:aaaa::1", null)))
                .isEqualTo(clients.of(request("2001:db8:1:2:bbbb::2", null)));
        assertThat(clients.of(request("2001:db8:1:3::1", null))).isNotEqualTo(clients.of(request("2001:db8:1:2::1", null)));
        assertThat(clients.exempt(request("127.0.0.1", null))).isTrue();
        assertThat(clients.exempt(request("0:0:0:0:0:0:0:1", null))).isTrue();
        assertThat(clients.exempt(request("198.51.100.7", null))).isFalse();
    }

    private static MockHttpServletRequest request(String remote, String forwardedFor) {
        MockHttpServletRequest r = new MockHttpServletRequest();
        r.setRemoteAddr(remote);
        if (forwardedFor != null) {
            r.addHeader("X-Forwarded-For", forwardedFor);
        }
        return r;
    }

    private static LimitsProperties limits(List<String> trusted) {
        return new LimitsProperties(trusted, List.of("127.0.0.0/8", "::1"), 20, 6, 400, 20, 5, 20,
                Duration.ofSeconds(30), Duration.ofMinutes(5), Duration.ofMinutes(15));
    }
}
