package io.servicecatalog.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;

/** Small TCP port helpers shared by the launcher pieces. */
public final class Ports {

    private Ports() {
    }

    /**
     * Returns a port that was free a moment ago, chosen by the OS ({@code ServerSocket(0)}).
     * There is an unavoidable race between closing the probe socket and the real listener
     * binding it, but ephemeral ports are handed out round-robin, so in practice it is fine
     * for tests and a local stack.
     */
    public static int free() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not find a free TCP port", e);
        }
    }

    /**
     * Whether {@code port} can be bound right now on all interfaces. Binding the wildcard
     * address also detects listeners bound only to 127.0.0.1 (and vice versa), which is what
     * we want before handing a fixed port to a service: a stale process from an earlier run
     * would otherwise make the new one fail with a less obvious error.
     */
    public static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Whether something accepts TCP connections at {@code host:port} within {@code timeout}. */
    public static boolean isReachable(String host, int port, Duration timeout) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Throws a readable error if a fixed port is already taken. */
    public static void requireFree(int port, String what) {
        if (!isFree(port)) {
            throw new IllegalStateException("Port " + port + " needed for " + what
                    + " is already in use (a process left over from an earlier run?). "
                    + "Stop it or choose another port.");
        }
    }
}
