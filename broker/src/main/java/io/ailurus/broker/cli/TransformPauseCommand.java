package io.ailurus.broker.cli;

import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code ailurus transform pause NAME}: stops processing; records keep arriving and wait. */
@Command(name = "pause", mixinStandardHelpOptions = true, description = "Pause a transform.")
final class TransformPauseCommand extends AdminCommand {

    @Parameters(paramLabel = "NAME")
    String name;

    @Override
    protected int execute() throws Exception {
        api.put(path(name) + "/meta", Map.of("is_paused", true));
        spec.commandLine().getOut().printf("paused transform '%s'%n", name);
        return 0;
    }
}
