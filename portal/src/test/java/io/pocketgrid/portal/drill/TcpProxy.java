package io.pocketgrid.portal.drill;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A loopback TCP relay between the portal and a server, which a drill can cut: every open connection is reset
 * and new ones are refused until it is restored on the same port. To the portal that is the server going away
 * and coming back, without touching a server other people's tests share.
 */
final class TcpProxy implements AutoCloseable {

    private final String targetHost;
    private final int targetPort;
    private final int port = PortalProcess.freePort();
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile ServerSocket server;

    TcpProxy(String targetHost, int targetPort) {
        this.targetHost = targetHost;
        this.targetPort = targetPort;
    }

    int port() {
        return port;
    }

    /** Accepts connections (again). */
    synchronized TcpProxy start() {
        try {
            ServerSocket s = new ServerSocket();
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            server = s;
            Thread.ofVirtual().name("drill-proxy-accept").start(() -> accept(s));
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Resets every open connection and refuses new ones; returns how many were reset. */
    synchronized int cut() {
        try {
            server.close();
        } catch (IOException ignored) {
            // closed already
        }
        int reset = 0;
        for (Socket s : open) {
            reset += reset(s) ? 1 : 0;
        }
        return reset / 2;
    }

    private void accept(ServerSocket s) {
        while (!s.isClosed()) {
            try {
                Socket client = s.accept();
                Socket upstream = new Socket(targetHost, targetPort);
                open.add(client);
                open.add(upstream);
                Thread.ofVirtual().start(() -> pump(client, upstream));
                Thread.ofVirtual().start(() -> pump(upstream, client));
            } catch (IOException e) {
                // the server socket was closed by cut(), or the target refused: the client sees its connection end
            }
        }
    }

    private void pump(Socket from, Socket to) {
        byte[] buffer = new byte[16 * 1024];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // one side reset or closed: end the other too
        } finally {
            reset(from);
            reset(to);
        }
    }

    /** Closes with SO_LINGER 0, so the peer gets a reset rather than an orderly end. */
    private boolean reset(Socket s) {
        boolean wasOpen = open.remove(s);
        try {
            if (!s.isClosed()) {
                s.setSoLinger(true, 0);
                s.close();
            }
        } catch (IOException ignored) {
            // already gone
        }
        return wasOpen;
    }

    @Override
    public void close() {
        cut();
    }
}
