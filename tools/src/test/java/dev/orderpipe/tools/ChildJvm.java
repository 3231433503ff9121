package dev.orderpipe.tools;

import dev.orderpipe.pipeline.infra.ChildJvmOptions;
import dev.orderpipe.pipeline.infra.JvmOptions;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Starts {@code orderpipe} commands in child JVMs with the project's JVM options and this test's class path (and, unless
 * told otherwise, {@link ChildJvmOptions#QUICK}).
 */
final class ChildJvm {
    private ChildJvm() {
    }

    static Process start(Path logDir, String name, String... args) throws IOException {
        return start(ChildJvmOptions.QUICK, logDir, name, args);
    }

    static Process start(List<String> jvmOptions, Path logDir, String name, String... args) throws IOException {
        List<String> cmd = JvmOptions.javaCommand(jvmOptions, OrderpipeMain.class.getName(), args);
        return new ProcessBuilder(cmd)
                .redirectOutput(logDir.resolve(name + ".out").toFile())
                .redirectError(logDir.resolve(name + ".err").toFile())
                .start();
    }

    static String log(Path logDir, String name) {
        try {
            return "--- " + name + ".out\n" + java.nio.file.Files.readString(logDir.resolve(name + ".out"))
                    + "--- " + name + ".err\n" + java.nio.file.Files.readString(logDir.resolve(name + ".err"));
        } catch (IOException e) {
            return e.toString();
        }
    }

}
