package dev.orderpipe.gateway;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A bare FIX connection for what no well-behaved engine sends: garbage, a wrong CheckSum or BodyLength, a second
 * Logon. Messages are written as {@code tag=value} pairs and read into maps (the last value of a tag wins).
 */
final class RawFix implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

    RawFix(int port) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(200);
        in = socket.getInputStream();
    }

    /** A whole message from {@code fields} ("35=D", "49=X"...), BodyLength and CheckSum computed and adjusted. */
    static byte[] encode(int bodyLengthError, int checkSumError, String... fields) {
        return encode("FIX.4.4", bodyLengthError, checkSumError, fields);
    }

    /** A whole message of BeginString(8) {@code beginString}. */
    static byte[] encode(String beginString, int bodyLengthError, int checkSumError, String... fields) {
        StringBuilder body = new StringBuilder();
        for (String f : fields)
            body.append(f).append('\u0001');
        String head = "8=" + beginString + "\u00019=" + (body.length() + bodyLengthError) + "\u0001";
        String msg = head + body;
        int sum = 0;
        for (byte b : msg.getBytes(StandardCharsets.US_ASCII))
            sum += b & 0xFF;
        return (msg + String.format("10=%03d\u0001", (sum + checkSumError) & 0xFF)).getBytes(StandardCharsets.US_ASCII);
    }

    static byte[] encode(String... fields) {
        return encode(0, 0, fields);
    }

    void write(byte[] bytes) throws IOException {
        socket.getOutputStream().write(bytes);
        socket.getOutputStream().flush();
    }

    /** The next message, within {@code millis}; null if none came (or the connection closed). */
    Map<String, String> read(long millis) throws IOException {
        long deadline = System.currentTimeMillis() + millis;
        while (true) {
            Map<String, String> m = parse();
            if (m != null)
                return m;
            if (System.currentTimeMillis() > deadline)
                return null;
            byte[] buf = new byte[4096];
            int n;
            try {
                n = in.read(buf);
            } catch (SocketTimeoutException e) {
                continue;
            }
            if (n < 0)
                return parse();
            pending.write(buf, 0, n);
        }
    }

    /** The next message of type {@code type}, skipping others (heartbeats...), within {@code millis}. */
    Map<String, String> read(String type, long millis) throws IOException {
        long deadline = System.currentTimeMillis() + millis;
        while (System.currentTimeMillis() < deadline) {
            Map<String, String> m = read(deadline - System.currentTimeMillis());
            if (m != null && type.equals(m.get("35")))
                return m;
        }
        return null;
    }

    private Map<String, String> parse() {
        String s = pending.toString(StandardCharsets.US_ASCII);
        int end = s.indexOf("\u000110=");
        if (end < 0 || s.indexOf('\u0001', end + 4) < 0)
            return null;
        int stop = s.indexOf('\u0001', end + 4) + 1;
        Map<String, String> m = new LinkedHashMap<>();
        for (String f : s.substring(0, stop).split("\u0001")) {
            int eq = f.indexOf('=');
            if (eq > 0)
                m.put(f.substring(0, eq), f.substring(eq + 1));
        }
        byte[] rest = s.substring(stop).getBytes(StandardCharsets.US_ASCII);
        pending.reset();
        pending.write(rest, 0, rest.length);
        return m;
    }

    /** Whether the gateway closed the connection (read returns end of stream) within {@code millis}. */
    boolean closedWithin(long millis) throws IOException {
        long deadline = System.currentTimeMillis() + millis;
        byte[] buf = new byte[4096];
        while (System.currentTimeMillis() < deadline) {
            try {
                if (in.read(buf) < 0)
                    return true;
            } catch (SocketTimeoutException e) {
                // still open
            } catch (IOException e) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
