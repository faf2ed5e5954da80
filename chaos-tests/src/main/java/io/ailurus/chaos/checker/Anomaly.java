package io.ailurus.chaos.checker;

import java.util.List;

/** One instance of an anomaly, with the ids of the ops (history lines) that show it. */
public record Anomaly(String code, String description, List<Long> opIds) {

    public Anomaly {
        opIds = List.copyOf(opIds);
    }
}
