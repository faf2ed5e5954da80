package io.ailurus.chaos.history;

/** Jepsen's op types: an invocation, then exactly one completion: ok, fail (did not happen), info (may have happened). */
public enum OpType {
    INVOKE, OK, FAIL, INFO;

    public boolean isCompletion() {
        return this != INVOKE;
    }
}
