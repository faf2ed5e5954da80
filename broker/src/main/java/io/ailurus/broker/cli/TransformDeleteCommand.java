package io.ailurus.broker.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code ailurus transform delete NAME}. */
@Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a transform (its topics stay).")
final class TransformDeleteCommand extends AdminCommand {

    @Parameters(paramLabel = "NAME")
    String name;

    @Override
    protected int execute() throws Exception {
        api.delete(path(name));
        spec.commandLine().getOut().printf("deleted transform '%s'%n", name);
        return 0;
    }
}
