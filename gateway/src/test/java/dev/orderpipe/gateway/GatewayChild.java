package dev.orderpipe.gateway;

import dev.orderpipe.pipeline.infra.ChildJvmOptions;
import dev.orderpipe.pipeline.infra.CrashPoints;
import dev.orderpipe.pipeline.infra.JvmOptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A gateway in a child JVM, for the crash tests: {@code GatewayChild CONFIG DATA_DIR}; prints its port, serves.
 * {@link #start} starts one, {@link #log} gathers what the children of a test directory wrote.
 */
public final class GatewayChild {
    private GatewayChild() {
    }

    public static void main(String[] args) {
        Gateway gateway = Gateway.open(GatewayConfig.load(Path.of(args[0])), Path.of(args[1]));
        Runtime.getRuntime().addShutdownHook(new Thread(gateway::stop, "gateway-shutdown"));
        System.out.println("listening " + gateway.port());
        System.out.flush();
        gateway.run();
    }

    /**
     * Starts a gateway child named {@code name} (its output in {@code dir/name.out} and {@code .err}) and waits until
     * it listens; with {@code crashAt} ({@code POINT:N}, or null) armed at a crash point, it may halt before.
     */
    static Process start(Path dir, String name, Path config, Path data, String crashAt) throws Exception {
        List<String> options = new ArrayList<>(ChildJvmOptions.QUICK);
        if (crashAt != null)
            options.add("-D" + CrashPoints.PROPERTY + "=" + crashAt);
        Process p = new ProcessBuilder(JvmOptions.javaCommand(options, GatewayChild.class.getName(),
                config.toString(), data.toString()))
                .redirectOutput(dir.resolve(name + ".out").toFile())
                .redirectError(dir.resolve(name + ".err").toFile())
                .start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.readString(dir.resolve(name + ".out")).contains("listening")) {
            if (!p.isAlive() && crashAt != null)
                return p; // halted before it listened
            assertTrue(p.isAlive(), name + " died: " + Files.readString(dir.resolve(name + ".err")));
            assertTrue(System.nanoTime() < deadline, name + " listening");
            Thread.sleep(20);
        }
        return p;
    }

    /** What the children gateway0 and gateway1 of {@code dir} wrote, for a failure's message. */
    static String log(Path dir) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (String n : List.of("gateway0", "gateway1"))
            for (String ext : List.of(".out", ".err"))
                if (Files.exists(dir.resolve(n + ext)))
                    sb.append("--- ").append(n).append(ext).append('\n')
                            .append(Files.readString(dir.resolve(n + ext)));
        return sb.toString();
    }
}
