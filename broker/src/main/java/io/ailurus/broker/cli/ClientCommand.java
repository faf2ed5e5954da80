package io.ailurus.broker.cli;

import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.common.resource.ResourceType;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * A command that talks to a broker: shares the client options, keeps kafka-clients' logging quiet, and reports any
 * failure as one line on stderr with exit code 1. Usage errors ({@link ParameterException}) are left to picocli,
 * which prints them with the usage and exit code 2.
 */
abstract class ClientCommand implements Callable<Integer> {

    static final int FAILED = 1;

    @Mixin
    ClientOptions client;

    @Spec
    CommandSpec spec;

    /** The command's work; returns the exit code. */
    protected abstract int execute() throws Exception;

    /** The topic the command is about, for error messages; null if none. */
    protected String topic() {
        return null;
    }

    /**
     * The ACL operations the command needs, by resource type ({@code TOPIC: "WRITE"}), so that an authorization
     * error names the missing one; none by default.
     */
    protected Map<ResourceType, String> needs() {
        return Map.of();
    }

    /** The command's resources by type (its topic, group...), for error messages. */
    protected Map<ResourceType, String> resources() {
        return topic() == null ? Map.of() : Map.of(ResourceType.TOPIC, topic());
    }

    @Override
    public final Integer call() {
        QuietLogging.apply();
        require(client.timeoutMs > 0, "--timeout must be positive");
        try {
            client.load(spec.commandLine());
            return execute();
        } catch (ParameterException e) {
            throw e;
        } catch (Exception e) {
            return fail(e);
        }
    }

    /** Reports {@code error} in one line and returns the exit code for it. */
    protected int fail(final Throwable error) {
        return fail(ErrorMessages.describe(error, new ErrorMessages.Context(client.bootstrap(), topic(),
                client.timeoutMs, BrokerProbe::anyReachable,
                new ErrorMessages.Access(client.principal(), client.protocol(), needs(),
                        resources()))));
    }

    protected int fail(final String message) {
        err().println("error: " + message);
        err().flush();
        return FAILED;
    }

    /** A usage error unless {@code condition} holds. */
    protected void require(final boolean condition, final String message) {
        if (!condition) {
            throw new ParameterException(spec.commandLine(), message);
        }
    }

    protected PrintWriter out() {
        return spec.commandLine().getOut();
    }

    protected PrintWriter err() {
        return spec.commandLine().getErr();
    }
}
