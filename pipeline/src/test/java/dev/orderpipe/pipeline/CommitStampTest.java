package dev.orderpipe.pipeline;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The build's commit stamp (pipeline/pom.xml, execution {@code commit}: the shell command whose output becomes
 * {@code commit.txt}, shown by {@code --version} and the summaries), run on the directories a source tree can be in.
 * A {@code git archive} tarball unpacked inside another repository's work tree once got that repository's HEAD.
 */
class CommitStampTest {
    @Test
    void aSourceTreeInsideAnotherRepositoryHasNoCommitAndItsOwnRepositoryHasItsHead(@TempDir Path dir)
            throws Exception {
        Assumptions.assumeTrue(run(dir, "git", "--version").startsWith("git version"), "git is not installed");
        List<String> stamp = stampCommand();

        Path outer = Files.createDirectories(dir.resolve("outer"));
        git(outer, "init", "-q");
        git(outer, "commit", "-q", "--allow-empty", "-m", "outer");
        Path unpacked = Files.createDirectories(outer.resolve("vendor/orderpipe"));
        Files.createDirectories(unpacked.resolve("pipeline"));
        assertEquals("", stampOf(stamp, unpacked.resolve("pipeline")), "a tarball inside another work tree");

        Path own = Files.createDirectories(dir.resolve("own"));
        Files.createDirectories(own.resolve("pipeline"));
        Files.writeString(own.resolve("pom.xml"), "<project/>\n");
        git(own, "init", "-q");
        git(own, "add", "pom.xml");
        git(own, "commit", "-q", "-m", "own");
        String head = git(own, "rev-parse", "--short=7", "HEAD");
        assertEquals(head, stampOf(stamp, own.resolve("pipeline")));
        Files.writeString(own.resolve("pom.xml"), "<project></project>\n");
        assertEquals(head + "-dirty", stampOf(stamp, own.resolve("pipeline")));
    }

    /** The command line of the pom's {@code commit} execution: sh and its arguments, the last one the directory. */
    private static List<String> stampCommand() throws Exception {
        Path pom = Path.of("pom.xml");
        assertTrue(Files.isRegularFile(pom), "run from the pipeline module: " + pom.toAbsolutePath());
        var doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(pom.toFile());
        NodeList executions = doc.getElementsByTagName("execution");
        for (int i = 0; i < executions.getLength(); i++) {
            Element e = (Element) executions.item(i);
            if (!"commit".equals(e.getElementsByTagName("id").item(0).getTextContent()))
                continue;
            List<String> cmd = new ArrayList<>();
            cmd.add(e.getElementsByTagName("executable").item(0).getTextContent());
            NodeList args = e.getElementsByTagName("argument");
            for (int j = 0; j < args.getLength(); j++)
                cmd.add(args.item(j).getTextContent());
            return cmd;
        }
        throw new AssertionError("no execution 'commit' in " + pom.toAbsolutePath());
    }

    private static String stampOf(List<String> stamp, Path moduleDir) throws Exception {
        List<String> cmd = new ArrayList<>(stamp);
        String dirArg = cmd.remove(cmd.size() - 1);
        assertEquals("${project.basedir}/..", dirArg, "the stamp runs on the project root");
        cmd.add(moduleDir + "/..");
        return run(moduleDir, cmd.toArray(new String[0]));
    }

    private static String git(Path dir, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("git", "-c", "user.email=test@example.invalid", "-c",
                "user.name=test", "-c", "commit.gpgsign=false"));
        cmd.addAll(List.of(args));
        return run(dir, cmd.toArray(new String[0]));
    }

    private static String run(Path dir, String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        p.waitFor();
        return out;
    }
}
