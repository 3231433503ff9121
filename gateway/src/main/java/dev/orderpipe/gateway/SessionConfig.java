package dev.orderpipe.gateway;

import dev.orderpipe.pipeline.config.Range;
import dev.orderpipe.pipeline.config.StrictConfig;

/**
 * One FIX session the gateway accepts. Comp ids are as the gateway writes them in its own messages: the gateway is
 * {@code senderCompId}, the client {@code targetCompId} (a client's QuickFIX/J settings have them the other way round).
 */
public final class SessionConfig extends StrictConfig {
    /** The gateway's SenderCompID(49) in this session (the client's TargetCompID). */
    public String senderCompId = "";
    /** The client's comp id: TargetCompID(56) of the gateway's messages, SenderCompID(49) of the client's. */
    public String targetCompId = "";
    /** What the client's Logon must carry in Password(554). */
    public String password = "";
    /** ORDER_ENTRY (orders of {@code account}, and their reports) or DROP_COPY (every report of every account). */
    public String type = "ORDER_ENTRY";
    /**
     * The pipeline account an ORDER_ENTRY session trades for; 0 for a DROP_COPY session, and for the one ORDER_ENTRY
     * session that takes every account without a session of its own (each order names its account in Account(1)).
     */
    @Range(min = 0, max = Long.MAX_VALUE, note = "the account of an ORDER_ENTRY session (0: any), 0 for DROP_COPY")
    public long account = 0;

    /** Session types. */
    public enum Type {
        ORDER_ENTRY, DROP_COPY
    }

    /** The configured type (validated by {@link GatewayConfig#validate()}). */
    public Type sessionType() {
        return Type.valueOf(type);
    }

    /** The directory name of the session's state in the data directory. */
    public String directoryName() {
        return senderCompId + "-" + targetCompId;
    }

    @Override
    protected String sampleFile() {
        return "conf/gateway.yaml";
    }
}
