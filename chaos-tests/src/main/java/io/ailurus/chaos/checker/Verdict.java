package io.ailurus.chaos.checker;

import java.util.List;

/** All rows of the anomaly table for one run; valid when no row failed. */
public record Verdict(List<CheckResult> results) {

    public Verdict {
        results = List.copyOf(results);
    }

    public boolean valid() {
        return failures().isEmpty();
    }

    public List<CheckResult> failures() {
        return results.stream().filter(r -> r.status() == CheckResult.Status.FAIL).toList();
    }

    public CheckResult result(final String code) {
        return results.stream().filter(r -> r.code().equals(code)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no check " + code));
    }
}
