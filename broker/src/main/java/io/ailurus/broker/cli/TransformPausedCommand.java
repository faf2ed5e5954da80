package io.ailurus.broker.cli;

import java.util.Map;
import picocli.CommandLine.Parameters;

/** {@code transform pause|resume NAME}: sets whether the transform is paused (records keep arriving and wait). */
abstract class TransformPausedCommand extends AdminCommand {

    @Parameters(paramLabel = "NAME")
    String name;

    /** The state to set. */
    protected abstract boolean paused();

    @Override
    protected int execute() throws Exception {
        api.put(path(name) + "/meta", Map.of("is_paused", paused()));
        spec.commandLine().getOut().printf("%s transform '%s'%n", paused() ? "paused" : "resumed", name);
        return 0;
    }
}
