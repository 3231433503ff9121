package dev.orderpipe.gateway;

import quickfix.Application;
import quickfix.ConfigError;
import quickfix.DefaultMessageFactory;
import quickfix.FieldNotFound;
import quickfix.FileLogFactory;
import quickfix.FileStoreFactory;
import quickfix.Message;
import quickfix.Session;
import quickfix.SessionID;
import quickfix.SessionNotFound;
import quickfix.SessionSettings;
import quickfix.SocketInitiator;
import quickfix.field.MsgType;
import quickfix.field.Password;
import quickfix.field.PossDupFlag;
import quickfix.field.Text;

import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A QuickFIX/J initiator for one session, the client of the tests: an engine no one here wrote, validating what the
 * gateway sends against its FIX 4.4 data dictionary. Its store is a file store, so a client restarted on the same
 * directory keeps its sequence numbers.
 */
final class FixClient implements Application, AutoCloseable {
    final SessionID id;
    private final String password;
    private final SocketInitiator initiator;
    /** Application messages received, in order. */
    final BlockingQueue<Message> received = new LinkedBlockingQueue<>();
    /** Text(58) of each Logout received. */
    final BlockingQueue<String> logouts = new LinkedBlockingQueue<>();
    /** Admin messages received (Reject, ResendRequest, SequenceReset...). */
    final BlockingQueue<Message> admin = new LinkedBlockingQueue<>();
    private volatile boolean loggedOn;

    FixClient(Path dir, int port, String clientId, String gatewayId, String password) throws ConfigError {
        this(settings(dir, port, new SessionID("FIX.4.4", clientId, gatewayId)),
                new SessionID("FIX.4.4", clientId, gatewayId), password);
    }

    /** A client of session {@code id} configured by {@code settings} (a file store and a file log among them). */
    FixClient(SessionSettings settings, SessionID id, String password) throws ConfigError {
        this.id = id;
        this.password = password;
        initiator = new SocketInitiator(this, new FileStoreFactory(settings), settings, new FileLogFactory(settings),
                new DefaultMessageFactory());
    }

    private static SessionSettings settings(Path dir, int port, SessionID id) {
        SessionSettings settings = new SessionSettings();
        settings.setString(id, "ConnectionType", "initiator");
        settings.setString(id, "SocketConnectHost", "127.0.0.1");
        settings.setLong(id, "SocketConnectPort", port);
        settings.setString(id, "StartTime", "00:00:00");
        settings.setString(id, "EndTime", "00:00:00");
        settings.setLong(id, "HeartBtInt", 30);
        settings.setLong(id, "ReconnectInterval", 1);
        settings.setString(id, "UseDataDictionary", "Y");
        settings.setString(id, "FileStorePath", dir.resolve("store").toString());
        settings.setString(id, "FileLogPath", dir.resolve("log").toString());
        return settings;
    }

    /** Connects (and reconnects every second while not logged on). */
    FixClient start() throws ConfigError {
        initiator.start();
        return this;
    }

    FixClient awaitLogon() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!loggedOn) {
            assertTrue(System.nanoTime() < deadline, id + " logged on");
            Thread.sleep(10);
        }
        return this;
    }

    boolean loggedOn() {
        return loggedOn;
    }

    Session session() {
        return Session.lookupSession(id);
    }

    void send(Message m) throws SessionNotFound {
        assertTrue(Session.sendToTarget(m, id), "sent");
    }

    /** The next application message, within 10 s. */
    Message next() throws InterruptedException {
        Message m = received.poll(10, TimeUnit.SECONDS);
        assertNotNull(m, id + ": a message within 10 s");
        return m;
    }

    /** The next application message of type {@code type}, skipping others, within 10 s. */
    Message next(String type) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            Message m = received.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            assertNotNull(m, id + ": a message of type " + type + " within 10 s");
            if (m.getHeader().getString(MsgType.FIELD).equals(type))
                return m;
        }
    }

    static boolean possDup(Message m) throws FieldNotFound {
        return m.getHeader().isSetField(PossDupFlag.FIELD) && m.getHeader().getBoolean(PossDupFlag.FIELD);
    }

    @Override
    public void onCreate(SessionID sessionId) {
    }

    @Override
    public void onLogon(SessionID sessionId) {
        loggedOn = true;
    }

    @Override
    public void onLogout(SessionID sessionId) {
        loggedOn = false;
    }

    @Override
    public void toAdmin(Message message, SessionID sessionId) {
        try {
            if (message.getHeader().getString(MsgType.FIELD).equals(MsgType.LOGON))
                message.setField(new Password(password));
        } catch (FieldNotFound e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void fromAdmin(Message message, SessionID sessionId) throws FieldNotFound {
        String type = message.getHeader().getString(MsgType.FIELD);
        if (type.equals(MsgType.LOGOUT))
            logouts.add(message.isSetField(Text.FIELD) ? message.getString(Text.FIELD) : "");
        else if (!type.equals(MsgType.HEARTBEAT) && !type.equals(MsgType.LOGON))
            admin.add(message);
    }

    @Override
    public void toApp(Message message, SessionID sessionId) {
    }

    @Override
    public void fromApp(Message message, SessionID sessionId) {
        received.add(message);
    }

    @Override
    public void close() {
        initiator.stop(true);
    }
}
