package io.ailurus.chaos.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a short command (ip, kill, iptables) with a bound on its duration. */
public final class Shell {

    /** Exit code and combined output. */
    public record Result(int exit, String output) {
        public boolean ok() {
            return exit == 0;
        }
    }

    private Shell() {
    }

    public static Result run(final List<String> command) {
        try {
            final Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(-1, "timed out: " + String.join(" ", command));
            }
            return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            return new Result(-1, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, "interrupted");
        }
    }

    public static Result run(final String... command) {
        return run(List.of(command));
    }

    /** Runs the command and throws when it fails. */
    public static String check(final String... command) {
        final Result r = run(command);
        if (!r.ok()) {
            throw new IllegalStateException(String.join(" ", command) + " failed (" + r.exit() + "): " + r.output());
        }
        return r.output();
    }

    /** On the PATH (or in /usr/sbin, /sbin, where iproute2 lives on Debian)? */
    public static boolean available(final String program) {
        return run("sh", "-c", "command -v " + program + " || test -x /usr/sbin/" + program + " || test -x /sbin/" + program).ok();
    }

    public static boolean isRoot() {
        return "0".equals(run("id", "-u").output().strip());
    }
}
