package dev.orderpipe.gateway;

import dev.orderpipe.pipeline.config.ConfigException;
import dev.orderpipe.pipeline.config.Range;
import dev.orderpipe.pipeline.config.StrictConfig;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The gateway's configuration ({@code conf/gateway.yaml}): where it listens, the writer id of its orders, and the FIX
 * sessions it accepts. Read by the same strict reader as the pipeline's config: every mistake is a
 * {@link ConfigException} of one line naming the key.
 */
public final class GatewayConfig extends StrictConfig {
    /** Longest ClOrdID(11) the gateway keeps (bytes). */
    public static final int MAX_CL_ORD_ID = 32;
    private static final Pattern COMP_ID = Pattern.compile("[A-Za-z0-9_.-]{1,32}");

    /** IP address to listen on: loopback unless configured otherwise (an IP literal, never a host name to look up). */
    public String address = "127.0.0.1";
    /** TCP port; 0 takes a free one (printed when the gateway starts). */
    @Range(min = 0, max = 65535)
    public int port = 9878;
    /** The OrderEntry writer id of the gateway's orders (dump shows it as writerId). */
    @Range(min = 1, max = Long.MAX_VALUE, note = "0 is the pipeline's file ingress")
    public long writerId = 900;
    /**
     * Orders the gateway tracks, and ClOrdIDs, of one trading session (plus the orders resting from earlier ones):
     * every ClOrdID used is kept until its session closes, so its reuse that day is refused, also after a restart;
     * a request beyond it is refused with a BusinessMessageReject naming this key.
     */
    @Range(min = 16, max = 1 << 26)
    public int orderCapacity = 1 << 18;
    /**
     * Cancels and replaces of one order that may wait for the pipeline's answer at once; one more gets an
     * OrderCancelReject. The gateway keeps their ClOrdIDs in room reserved for every order (orderCapacity x this x
     * 32 bytes).
     */
    @Range(min = 1, max = 64)
    public int maxPendingRequests = 4;
    /**
     * How long a connection may take from being accepted to its Logon; one that has not logged on by then is closed.
     * When all connections are taken, a new one takes the place of the oldest that has not logged on, so connections
     * that never log on cannot keep a session out.
     */
    @Range(min = 100, max = 60_000, note = "milliseconds")
    public int logonTimeoutMillis = 5_000;
    /**
     * The free space, in MB, below which the gateway takes no request: each is answered with a BusinessMessageReject
     * (reason 4) and nothing is written, so the orders queue is never written into pages the disk cannot back; set it
     * as the pipeline's. Below a quarter of it the gateway stops, in one line, before its own files (the messages it
     * stores, its request journal) can fill the disk; started again once space is freed, it resumes. 0 turns both off.
     */
    @Range(min = 0, max = 1L << 30, note = "MB, 1 PB at most; 0 turns the guard off")
    public long minFreeDiskMb = 64;
    /** How long the event loop parks when it found nothing to do; 0 spins. */
    @Range(min = 0, max = 100_000, note = "microseconds")
    public int idleParkMicros = 50;
    public List<SessionConfig> sessions = new ArrayList<>();

    /** Loads and validates a gateway config file. */
    public static GatewayConfig load(Path file) {
        return parse(readFile(file, "gateway config file"), file.toString());
    }

    /** Parses and validates YAML text; {@code origin} names it in messages. */
    public static GatewayConfig parse(String yaml, String origin) {
        GatewayConfig config = read(yaml, origin, new GatewayConfig(), GatewayConfig.class);
        try {
            return config.validate();
        } catch (ConfigException e) {
            throw new ConfigException(origin + ": " + e.getMessage());
        }
    }

    /** Checks every setting; throws on the first problem. */
    public GatewayConfig validate() {
        checkRanges("");
        if ((long) orderCapacity * maxPendingRequests * MAX_CL_ORD_ID > Integer.MAX_VALUE)
            throw new ConfigException("orderCapacity x maxPendingRequests must be at most "
                    + Integer.MAX_VALUE / MAX_CL_ORD_ID + " (the waiting ClOrdIDs' table, " + MAX_CL_ORD_ID
                    + " bytes each, is one array), was " + orderCapacity + " x " + maxPendingRequests);
        inetAddress();
        if (sessions == null || sessions.isEmpty())
            throw new ConfigException("sessions is empty: configure at least one FIX session");
        Set<String> names = new HashSet<>();
        Set<Long> accounts = new HashSet<>();
        for (int i = 0; i < sessions.size(); i++) {
            SessionConfig s = sessions.get(i);
            String key = "sessions[" + i + "]";
            if (s == null)
                throw new ConfigException(key + " is empty");
            compId(s.senderCompId, key + ".senderCompId");
            compId(s.targetCompId, key + ".targetCompId");
            if (!names.add(s.senderCompId + "\u0000" + s.targetCompId))
                throw new ConfigException(key + ": session " + s.senderCompId + "/" + s.targetCompId
                        + " is configured twice");
            if (s.password == null || s.password.isEmpty() || s.password.length() > 64)
                throw new ConfigException(key + ".password must be 1 to 64 characters");
            if (!"ORDER_ENTRY".equals(s.type) && !"DROP_COPY".equals(s.type))
                throw new ConfigException(key + ".type must be ORDER_ENTRY or DROP_COPY, was '" + s.type + "'");
            if (s.sessionType() == SessionConfig.Type.ORDER_ENTRY) {
                if (s.account < 0)
                    throw new ConfigException(key + ".account must be > 0 for an ORDER_ENTRY session (0: every"
                            + " account without a session of its own, named in each order's Account(1))");
                if (!accounts.add(s.account))
                    throw new ConfigException(key + ".account " + s.account + " has two ORDER_ENTRY sessions: "
                            + (s.account == 0 ? "one session may take every account" : "give each account one"));
            } else if (s.account != 0) {
                throw new ConfigException(key + ".account must be 0 for a DROP_COPY session (it sees every account)");
            }
        }
        return this;
    }

    private static void compId(String id, String key) {
        if (id == null || !COMP_ID.matcher(id).matches())
            throw new ConfigException(key + " must be 1 to 32 of A-Z a-z 0-9 _ . -, was '" + id + "'");
    }

    /** The listen address: an IP literal (a name would need a lookup; "localhost" is loopback). */
    public InetAddress inetAddress() {
        String a = address == null ? "" : address.trim();
        if ("localhost".equals(a))
            return InetAddress.getLoopbackAddress();
        if (!a.matches("[0-9.]+|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*"))
            throw new ConfigException("address must be an IP address such as 127.0.0.1, was '" + address + "'");
        try {
            return InetAddress.getByName(a); // a literal: parsed, never looked up
        } catch (UnknownHostException e) {
            throw new ConfigException("address must be an IP address such as 127.0.0.1, was '" + address + "'");
        }
    }

    @Override
    protected String sampleFile() {
        return "conf/gateway.yaml";
    }

    @Override
    protected String documentName() {
        return "gateway config";
    }
}
