package io.ailurus.chaos.checker;

import io.ailurus.chaos.history.History;

/**
 * What the checks look at.
 *
 * @param idempotent the producers ran with idempotence on: duplicates are then bugs, otherwise expected
 */
public record CheckInput(History history, VersionOrder order, BrokerEvidence evidence, boolean idempotent) {

    public static CheckInput of(final History history, final BrokerEvidence evidence, final boolean idempotent) {
        return new CheckInput(history, VersionOrder.of(history), evidence, idempotent);
    }
}
