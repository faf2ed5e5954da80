package io.ailurus.broker.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** A command that talks to the admin API: any failure is one line on stderr and exit code 1. */
abstract class AdminCommand implements Callable<Integer> {

    @Mixin
    AdminApi api;

    @Spec
    CommandSpec spec;

    protected abstract int execute() throws Exception;

    @Override
    public final Integer call() throws Exception {
        api.check(spec.commandLine());
        try {
            return execute();
        } catch (AdminApi.Failure e) {
            spec.commandLine().getErr().println("error: " + e.getMessage());
            spec.commandLine().getErr().flush();
            return ClientCommand.FAILED;
        }
    }

    static String path(final String name) {
        return "/v1/transform/" + java.net.URLEncoder.encode(name, java.nio.charset.StandardCharsets.UTF_8)
                .replace("+", "%20");
    }
}
