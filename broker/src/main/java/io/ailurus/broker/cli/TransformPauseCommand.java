package io.ailurus.broker.cli;

import picocli.CommandLine.Command;

/** {@code ailurus transform pause NAME}. */
@Command(name = "pause", mixinStandardHelpOptions = true, description = "Pause a transform.")
final class TransformPauseCommand extends TransformPausedCommand {

    @Override
    protected boolean paused() {
        return true;
    }
}
