package io.pocketgrid.portal.api;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Limits per client address and on sign-in ({@code pocketgrid.limits.*}), kept in memory per
 * instance. The per-volunteer worker limit is {@code pocketgrid.requests-per-second}.
 *
 * @param trustedProxies          addresses or CIDR ranges of reverse proxies whose X-Forwarded-For is believed;
 *                                empty (the default): the socket's remote address is the client
 * @param exemptAddresses         client addresses or ranges with no per-address limit (per-volunteer limits and
 *                                sign-in throttling still apply). Loopback by default: the simulator, the bench and
 *                                the tests run there. Behind a reverse proxy on the same host, list it in
 *                                {@code trusted-proxies}, so clients are seen by their own address.
 * @param registrationBurst       volunteer registrations one address may make at once
 * @param registrationsPerMinute  and then per minute
 * @param leaseBurst              leases one address may take at once (all its volunteers together)
 * @param leasesPerSecond         and then per second
 * @param signInFailuresPerUsername failed sign-ins to one username before it is locked for a while
 * @param signInFailuresPerAddress  failed sign-ins from one address (any usernames) before it is locked
 * @param signInLock              the first lock; each further failure doubles it
 * @param signInMaxLock           the longest lock: a lock always ends, so nobody is locked out for good
 * @param signInForget            failures are forgotten after this long without a new one
 */
@ConfigurationProperties("pocketgrid.limits")
public record LimitsProperties(
        @DefaultValue("") List<String> trustedProxies,
        @DefaultValue({"127.0.0.0/8", "::1"}) List<String> exemptAddresses,
        @DefaultValue("20") int registrationBurst,
        @DefaultValue("6") double registrationsPerMinute,
        @DefaultValue("400") int leaseBurst,
        @DefaultValue("20") double leasesPerSecond,
        @DefaultValue("5") int signInFailuresPerUsername,
        @DefaultValue("20") int signInFailuresPerAddress,
        @DefaultValue("30s") Duration signInLock,
        @DefaultValue("5m") Duration signInMaxLock,
        @DefaultValue("15m") Duration signInForget) {
}
