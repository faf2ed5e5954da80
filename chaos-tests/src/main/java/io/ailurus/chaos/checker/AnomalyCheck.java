package io.ailurus.chaos.checker;

import java.util.List;

/**
 * One anomaly family. Checks are pure functions of the history and the broker evidence, so each can be unit-tested on
 * a hand-written history; a new family (e.g. transactions, A15) is one more implementation in {@link Checker}.
 */
public interface AnomalyCheck {

    List<CheckResult> check(CheckInput input);
}
