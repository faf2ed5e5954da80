package io.ailurus.broker.cli;

import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code ailurus transform resume NAME}: continues where the transform paused. */
@Command(name = "resume", mixinStandardHelpOptions = true, description = "Resume a paused transform.")
final class TransformResumeCommand extends AdminCommand {

    @Parameters(paramLabel = "NAME")
    String name;

    @Override
    protected int execute() throws Exception {
        api.put(path(name) + "/meta", Map.of("is_paused", false));
        spec.commandLine().getOut().printf("resumed transform '%s'%n", name);
        return 0;
    }
}
