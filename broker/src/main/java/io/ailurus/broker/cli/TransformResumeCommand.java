package io.ailurus.broker.cli;

import picocli.CommandLine.Command;

/** {@code ailurus transform resume NAME}: continues where the transform paused. */
@Command(name = "resume", mixinStandardHelpOptions = true, description = "Resume a paused transform.")
final class TransformResumeCommand extends TransformPausedCommand {

    @Override
    protected boolean paused() {
        return false;
    }
}
