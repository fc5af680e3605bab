package io.pocketgrid.portal.api;

import jakarta.servlet.http.HttpServletRequest;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.web.util.matcher.IpAddressMatcher;
import org.springframework.stereotype.Component;

/**
 * Who a request comes from, for per-address limits: the socket's remote address, or, when that is
 * a trusted proxy, the rightmost X-Forwarded-For hop that is not one (entries further left are
 * whatever the client wrote). IPv6 clients are keyed by their /64: one household gets a whole /64.
 */
@Component
public class ClientAddress {

    private static final Logger log = LoggerFactory.getLogger(ClientAddress.class);
    private static final Pattern LITERAL = Pattern.compile("[0-9A-Fa-f:.]{2,45}");

    private final List<IpAddressMatcher> trusted;
    private final List<IpAddressMatcher> exempt;
    private volatile boolean warnedAboutProxy;

    public ClientAddress(LimitsProperties limits) {
        this.trusted = matchers(limits.trustedProxies());
        this.exempt = matchers(limits.exemptAddresses());
    }

    /** The client's address as a limit key (an IPv4 address, or an IPv6 /64 prefix). */
    public String of(HttpServletRequest request) {
        return key(resolve(request));
    }

    /** True when no per-address limit applies to this request's client. */
    public boolean exempt(HttpServletRequest request) {
        String client = resolve(request);
        boolean exempted = matches(exempt, client);
        if (exempted && !warnedAboutProxy && trusted.isEmpty() && request.getHeader("X-Forwarded-For") != null) {
            warnedAboutProxy = true;
            log.warn("requests from {} carry X-Forwarded-For, but pocketgrid.limits.trusted-proxies is empty: the portal"
                    + " seems to sit behind a reverse proxy and sees every client as the proxy, which is exempt from"
                    + " per-address limits; list the proxy in pocketgrid.limits.trusted-proxies", client);
        }
        return exempted;
    }

    private String resolve(HttpServletRequest request) {
        String hop = request.getRemoteAddr();
        if (trusted.isEmpty() || !matches(trusted, hop)) {
            return hop;
        }
        List<String> forwarded = forwardedFor(request);
        for (int i = forwarded.size() - 1; i >= 0; i--) {
            String next = forwarded.get(i);
            if (!LITERAL.matcher(next).matches()) {
                return hop; // a hop we cannot read: stop at the last one we can vouch for
            }
            hop = next;
            if (!matches(trusted, hop)) {
                return hop;
            }
        }
        return hop;
    }

    private static List<String> forwardedFor(HttpServletRequest request) {
        List<String> hops = new ArrayList<>();
        for (String header : Collections.list(request.getHeaders("X-Forwarded-For"))) {
            for (String hop : header.split(",")) {
                String h = hop.strip();
                if (h.startsWith("[") && h.contains("]")) {
                    h = h.substring(1, h.indexOf(']'));
                }
                if (!h.isEmpty()) {
                    hops.add(h);
                }
            }
        }
        return hops;
    }

    private static boolean matches(List<IpAddressMatcher> matchers, String address) {
        if (address == null || !LITERAL.matcher(address).matches()) {
            return false;
        }
        for (IpAddressMatcher m : matchers) {
            try {
                if (m.matches(address)) {
                    return true;
                }
            } catch (IllegalArgumentException notAnAddress) {
                return false;
            }
        }
        return false;
    }

    private static String key(String address) {
        if (address == null || !LITERAL.matcher(address).matches() || !address.contains(":")) {
            return String.valueOf(address);
        }
        try {
            // a literal, so no name lookup happens
            byte[] b = InetAddress.getByName(address).getAddress();
            if (b.length == 4) {
                return InetAddress.getByAddress(b).getHostAddress();
            }
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < 8; i += 2) {
                sb.append(Integer.toHexString(((b[i] & 0xff) << 8) | (b[i + 1] & 0xff))).append(':');
            }
            return sb.append(":/64").toString();
        } catch (UnknownHostException e) {
            return address;
        }
    }

    private static List<IpAddressMatcher> matchers(List<String> specs) {
        List<IpAddressMatcher> list = new ArrayList<>();
        for (String spec : specs) {
            if (!spec.isBlank()) {
                list.add(new IpAddressMatcher(spec.strip()));
            }
        }
        return List.copyOf(list);
    }
}
