package io.ailurus.broker.cli;

import picocli.CommandLine.Command;

/** {@code ailurus transform}: data transforms (WebAssembly, Redpanda's SDKs), through a node's admin API. */
@Command(name = "transform", mixinStandardHelpOptions = true,
        description = "Deploy, list, pause, resume and delete data transforms, and read their logs.",
        subcommands = {TransformDeployCommand.class, TransformListCommand.class, TransformDeleteCommand.class,
                TransformPauseCommand.class, TransformResumeCommand.class, TransformLogsCommand.class})
public final class TransformCommand {
}
