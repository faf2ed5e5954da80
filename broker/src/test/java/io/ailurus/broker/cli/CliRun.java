package io.ailurus.broker.cli;

import io.ailurus.broker.Ailurus;
import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** Test helper: runs {@code ailurus ARGS} in-process and keeps the exit code, stdout and stderr. */
record CliRun(int exitCode, String out, String err, long elapsedMs) {

    static CliRun of(final String... args) {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final CommandLine cli = new CommandLine(new Ailurus());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        final long start = System.nanoTime();
        final int code = cli.execute(args);
        return new CliRun(code, out.toString(), err.toString(), (System.nanoTime() - start) / 1_000_000);
    }
}
