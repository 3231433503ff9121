package dev.orderpipe.tools;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README's command table (section "The command line") lists every subcommand with every option it takes, so a
 * command or flag added to the code and not to the table fails here.
 */
class ReadmeCommandTableTest {
    /** The README at the repository root: tests run in the module's directory. */
    private static final Path README = Path.of("..", "README.md");
    private static final Pattern OPTION = Pattern.compile("--[a-z][a-z0-9-]*");

    @Test
    void everySubcommandAndOptionIsInTheCommandTable() throws IOException {
        List<String> rows = commandTableRows();
        CommandLine cl = OrderpipeMain.commandLine(new PrintWriter(new StringWriter()),
                new PrintWriter(new StringWriter()));
        List<String> missing = new ArrayList<>();
        for (Map.Entry<String, CommandLine> e : cl.getSubcommands().entrySet()) {
            String name = e.getKey();
            List<String> own = rows.stream()
                    .filter(r -> r.startsWith("| `" + name + " ") || r.startsWith("| `" + name + "`"))
                    .toList();
            assertEquals(1, own.size(), "one row for " + name + " in the README's command table: " + own);
            // the options the row's synopsis (its first cell) names
            Set<String> named = new HashSet<>();
            Matcher m = OPTION.matcher(own.get(0).substring(0, own.get(0).indexOf("` |")));
            while (m.find())
                named.add(m.group());
            for (OptionSpec o : e.getValue().getCommandSpec().options()) {
                if (!o.usageHelp() && !o.versionHelp() && !named.contains(o.longestName()))
                    missing.add(name + " " + o.longestName());
            }
        }
        assertEquals(List.of(), missing, "options missing from the README's command table");
    }

    /** Every command that reads or writes the pipeline's files says where they are defined (the item 2). */
    @Test
    void everyHelpPointsToTheFormatsPage() {
        CommandLine cl = OrderpipeMain.commandLine(new PrintWriter(new StringWriter()),
                new PrintWriter(new StringWriter()));
        List<String> without = new ArrayList<>();
        assertTrue(cl.getUsageMessage().replaceAll("\\s+", " ").contains("docs/formats.md"));
        for (Map.Entry<String, CommandLine> e : cl.getSubcommands().entrySet()) {
            // help and the completion script concern no file of the pipeline
            if (!Set.of("help", "generate-completion").contains(e.getKey())
                    && !e.getValue().getUsageMessage().replaceAll("\\s+", " ").contains("docs/formats.md"))
                without.add(e.getKey());
        }
        assertEquals(List.of(), without, "helps that do not point to docs/formats.md");
    }

    /** The table rows of the section "The command line", header and separator left out. */
    private static List<String> commandTableRows() throws IOException {
        String readme = Files.readString(README);
        int start = readme.indexOf("\n## The command line\n");
        assertTrue(start >= 0, "README has a section 'The command line'");
        int end = readme.indexOf("\n## ", start + 1);
        List<String> rows = readme.substring(start, end < 0 ? readme.length() : end).lines()
                .filter(l -> l.startsWith("| `"))
                .toList();
        assertTrue(rows.size() > 1, "the section holds the command table");
        return rows;
    }
}
