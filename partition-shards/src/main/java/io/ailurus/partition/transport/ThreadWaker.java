package io.ailurus.partition.transport;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.locks.LockSupport;

/**
 * Creates the single thread of an agent runner (or of the media driver) and wakes it from its idle park when someone
 * hands it work. This is what lets the sender and receiver threads park for long when idle and still react within
 * microseconds: they are woken, not polled.
 */
final class ThreadWaker implements ThreadFactory {

    private final String name;
    private volatile Thread thread;

    ThreadWaker(final String name) {
        this.name = name;
    }

    @Override
    public Thread newThread(final Runnable runnable) {
        final Thread created = new Thread(runnable, name);
        thread = created;
        return created;
    }

    /** Ends the thread's current or next park; cheap when it is not parked (sets its permit). */
    void wake() {
        final Thread target = thread;
        if (target != null) {
            LockSupport.unpark(target);
        }
    }
}
