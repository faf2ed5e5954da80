package io.ailurus.partition.transport;

import org.agrona.concurrent.IdleStrategy;

/**
 * An idle strategy for the media driver that wakes another thread whenever a duty cycle did work. After the driver
 * received data it writes it into an image and reports work; waking the receiver thread then means the receiver needs
 * no short polling period of its own, only the driver (which must poll its UDP sockets) does. Waking the sender too
 * lets it retry as soon as a status message opened the flow-control window after back-pressure.
 */
final class WakingIdleStrategy implements IdleStrategy {

    private final IdleStrategy delegate;
    private final ThreadWaker[] onWork;

    WakingIdleStrategy(final IdleStrategy delegate, final ThreadWaker... onWork) {
        this.delegate = delegate;
        this.onWork = onWork;
    }

    @Override
    public void idle(final int workCount) {
        if (workCount > 0) {
            for (final ThreadWaker waker : onWork) {
                waker.wake();
            }
        }
        delegate.idle(workCount);
    }

    @Override
    public void idle() {
        delegate.idle();
    }

    @Override
    public void reset() {
        delegate.reset();
    }

    @Override
    public String alias() {
        return "waking-" + delegate.alias();
    }
}
