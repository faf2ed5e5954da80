package io.ailurus.broker;

import java.util.List;
import java.util.concurrent.Future;

/** Load a test keeps running in the background while it waits for something else. */
final class BackgroundTasks {

    private BackgroundTasks() {
    }

    /**
     * True while every task runs; a task that ended (they run until stopped) fails the caller's wait with its failure,
     * or with "{@code what} stopped on its own".
     */
    static boolean allRunning(final List<Future<Void>> tasks, final String what) throws Exception {
        for (final Future<Void> t : tasks) {
            if (t.isDone()) {
                t.get();
                throw new AssertionError(what + " stopped on its own");
            }
        }
        return true;
    }
}
