package dev.orderpipe.replication;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@code HOST:PORT} of the command line and the Aeron UDP channel it names: unicast, or multicast when the host is
 * a multicast group (224.0.0.0/4), then with the interface to send and receive on when one is given.
 */
public record Endpoint(String host, int port) {
    /** Parses {@code HOST:PORT}; {@code what} names the option for the one-line error. */
    public static Endpoint parse(String text, String what) {
        int colon = text.lastIndexOf(':');
        int port = -1;
        if (colon > 0) {
            try {
                port = Integer.parseInt(text.substring(colon + 1));
            } catch (NumberFormatException e) {
                port = -1;
            }
        }
        if (port < 1 || port > 65535)
            throw new IllegalArgumentException(what + " '" + text + "' is not HOST:PORT (a port from 1 to 65535)");
        return new Endpoint(text.substring(0, colon), port);
    }

    /**
     * Parses {@code HOST:PORT[,HOST:PORT...]}, each endpoint once: one replica named twice (as {@code localhost:P} and
     * {@code 127.0.0.1:P} too) would take turns with itself and count twice towards {@code replication.ackedReplicas},
     * so a write could be reported acknowledged by two replicas that only one holds.
     */
    public static List<Endpoint> parseList(String text, String what) {
        List<Endpoint> list = new ArrayList<>();
        List<String> seen = new ArrayList<>();
        for (String part : text.split(",")) {
            if (part.isBlank())
                continue;
            Endpoint e = parse(part.trim(), what);
            String key = e.resolvedHost() + ":" + e.port();
            if (seen.contains(key))
                throw new IllegalArgumentException(what + " names " + e + " twice (" + text + "): give each replica"
                        + " once");
            seen.add(key);
            list.add(e);
        }
        if (list.isEmpty())
            throw new IllegalArgumentException(what + " names no HOST:PORT");
        return list;
    }

    /** A loopback endpoint on a UDP port that is free now (tests and the bench: nothing leaves the host). */
    public static Endpoint freeLoopback() {
        try (java.net.DatagramSocket s = new java.net.DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            return new Endpoint("127.0.0.1", s.getLocalPort());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** A free loopback endpoint other than {@code taken} (two draws of a free port can give the same one). */
    public static Endpoint freeLoopbackOtherThan(Endpoint taken) {
        Endpoint e = freeLoopback();
        while (e.equals(taken))
            e = freeLoopback();
        return e;
    }

    /** The host's address, or the host as written when it does not resolve (that is reported where it is used). */
    private String resolvedHost() {
        try {
            return InetAddress.getByName(host).getHostAddress();
        } catch (UnknownHostException e) {
            return host;
        }
    }

    /**
     * Whether this endpoint (a {@code --to}) is the socket {@code listen} binds: the same port, and the same address
     * (resolved), or, for a wildcard {@code listen}, an address of this host. A stream sent there comes back to the
     * sender and never reaches a replica.
     */
    public boolean sameSocketAs(Endpoint listen) {
        if (port != listen.port)
            return false;
        if (!listen.wildcard())
            return resolvedHost().equals(listen.resolvedHost());
        try {
            InetAddress a = InetAddress.getByName(host);
            return a.isAnyLocalAddress() || a.isLoopbackAddress()
                    || java.net.NetworkInterface.getByInetAddress(a) != null;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    /** Whether the host is a multicast group address. */
    public boolean multicast() {
        try {
            return InetAddress.getByName(host).isMulticastAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** Whether the host is the wildcard address, which a replica replaces by the address the primary sends from. */
    public boolean wildcard() {
        return host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]");
    }

    /**
     * The Aeron channel of this endpoint: {@code aeron:udp?endpoint=HOST:PORT}, with the interface for a multicast
     * group ({@code networkInterface} may be null: the default route's) and the term length of the data stream
     * ({@code termLength} 0: the driver's default).
     */
    public String channel(String networkInterface, int termLength) {
        StringBuilder s = new StringBuilder("aeron:udp?endpoint=").append(host).append(':').append(port);
        if (multicast() && networkInterface != null)
            s.append("|interface=").append(networkInterface);
        if (termLength > 0)
            s.append("|term-length=").append(termLength);
        return s.toString();
    }

    @Override
    public String toString() {
        return host + ":" + port;
    }
}
