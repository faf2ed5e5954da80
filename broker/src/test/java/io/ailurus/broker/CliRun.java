package io.ailurus.broker;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import picocli.CommandLine;

/** One run of the {@code ailurus} CLI as a test sees it: exit code and captured output, with table helpers. */
record CliRun(int exit, String out, String err) {

    /** Runs the CLI in this JVM with {@code args}, capturing stdout and stderr. */
    static CliRun inProcess(final List<String> args) {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final CommandLine cli = new CommandLine(new Ailurus());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        final int exit = cli.execute(args.toArray(String[]::new));
        return new CliRun(exit, out.toString(), err.toString());
    }

    List<String> lines() {
        return out.lines().toList();
    }

    /** The output line that starts with these cells (split on runs of spaces). */
    List<String> row(final String... start) {
        for (final String line : lines()) {
            final List<String> cells = List.of(line.trim().split("\\s+"));
            if (startsWith(cells, start)) {
                return cells;
            }
        }
        throw new AssertionError("no line starting with " + List.of(start) + " in:\n" + out);
    }

    boolean hasRow(final String... start) {
        return lines().stream().map(l -> List.of(l.trim().split("\\s+"))).anyMatch(c -> startsWith(c, start));
    }

    String errText() {
        return err.replace(System.lineSeparator(), "\n");
    }

    private static boolean startsWith(final List<String> cells, final String... start) {
        return cells.size() >= start.length && cells.subList(0, start.length).equals(List.of(start));
    }
}
