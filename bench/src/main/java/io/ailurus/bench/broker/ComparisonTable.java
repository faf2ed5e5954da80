package io.ailurus.bench.broker;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The side-by-side table: for every case, each figure on ailurus and on Kafka and the ratio ailurus / Kafka, with
 * the goal where there is one. Printed as aligned text, and as Markdown for RESULTS.md.
 */
public final class ComparisonTable {

    private static final String[] HEADER = {"case", "figure", "ailurus", "Kafka", "ailurus/Kafka", "target"};

    private final List<String[]> rows = new ArrayList<>();

    private ComparisonTable() {
    }

    /** An empty table, for other benchmarks' rows ({@link #addRow}). */
    public static ComparisonTable empty() {
        return new ComparisonTable();
    }

    /**
     * A row of two figures, NaN where missing, with their ratio ailurus / Kafka and the goal: {@code verdict} as
     * {@link Target#verdict} gives it, or any text for a goal that is not a ratio.
     */
    public ComparisonTable addRow(final String caseLabel, final String figure, final double ailurus,
            final double kafka, final String format, final String verdict) {
        return addRow(caseLabel, figure, ailurus, "", kafka, "", format, verdict);
    }

    /** As {@link #addRow(String, String, double, double, String, String)}, with a caveat after either figure. */
    public ComparisonTable addRow(final String caseLabel, final String figure, final double ailurus,
            final String ailurusMark, final double kafka, final String kafkaMark, final String format,
            final String verdict) {
        rows.add(new String[] {caseLabel, figure, cell(ailurus, format) + ailurusMark,
                cell(kafka, format) + kafkaMark, cell(ailurus / kafka, "%.2f"), verdict});
        return this;
    }

    static ComparisonTable of(final List<BenchCase> cases, final BrokerResults ailurus, final BrokerResults kafka,
            final BrokerBenchOptions options) {
        final ComparisonTable table = new ComparisonTable();
        final String rate = String.format("%.0f MiB/s", Sizes.mib(options.latencyBytesPerSecond()));
        for (final BenchCase c : cases) {
            final CaseResult a = ailurus == null ? null : ailurus.find(c);
            final CaseResult k = kafka == null ? null : kafka.find(c);
            final boolean acksAll = c.acks().equals("all");
            table.row(c.toString(), "produce MiB/s", a, k, r -> r.produce() == null ? Double.NaN
                    : r.produce().mibPerSecond(), "%.1f", acksAll ? Target.AT_LEAST_ONE : Target.NONE);
            table.row("", "consume MiB/s", a, k, r -> r.consume() == null ? Double.NaN
                    : r.consume().mibPerSecond(), "%.1f", Target.AT_LEAST_ONE);
            table.row("", "produce p50 ms @ " + rate, a, k, r -> percentile(r, 50), "%.2f", Target.NONE);
            table.row("", "produce p99 ms @ " + rate, a, k, r -> percentile(r, 99), "%.2f", Target.AT_MOST_ONE);
            table.row("", "produce p99.9 ms @ " + rate, a, k, r -> percentile(r, 99.9), "%.2f", Target.NONE);
            table.row("", "broker CPU s/GiB produced", a, k, r -> r.produce() == null ? Double.NaN
                    : r.produce().cpu().brokerSecondsPerGib(r.produce().bytes()), "%.2f", Target.NONE);
            table.row("", "broker CPU % @ " + rate, a, k, r -> r.latency() == null ? Double.NaN
                    : r.latency().cpu().brokerPercent(r.latency().nanos()), "%.0f", Target.NONE);
        }
        return table;
    }

    /** NaN when the phase did not run; a latency measured while the sender fell behind is still shown. */
    private static double percentile(final CaseResult r, final double p) {
        return r.latency() == null ? Double.NaN : r.latency().percentileMillis(p);
    }

    private void row(final String caseLabel, final String figure, final CaseResult ailurus, final CaseResult kafka,
            final Function<CaseResult, Double> value, final String format, final Target target) {
        final double a = ailurus == null ? Double.NaN : value.apply(ailurus);
        final double k = kafka == null ? Double.NaN : value.apply(kafka);
        final double ratio = a / k;
        rows.add(new String[] {caseLabel, figure, cell(a, format) + mark(ailurus, figure),
                cell(k, format) + mark(kafka, figure), cell(ratio, "%.2f"), target.verdict(ratio)});
    }

    /**
     * Marks figures that need a caveat: latency measured while the sender could not keep the asked rate, and a
     * phase in which records failed (their count is in the phase's line above the table).
     */
    private static String mark(final CaseResult r, final String figure) {
        if (r == null) {
            return "";
        }
        if (figure.contains("@")) {
            final LatencyResult l = r.latency();
            return l == null ? "" : (l.keptRate() ? "" : " (behind)") + (l.errors() > 0 ? " (errors)" : "");
        }
        if (figure.startsWith("produce") && r.produce() != null && r.produce().errors() > 0) {
            return " (errors)";
        }
        return "";
    }

    private static String cell(final double v, final String format) {
        return Double.isNaN(v) || Double.isInfinite(v) ? "-" : String.format(format, v);
    }

    public void printText(final PrintStream out) {
        final int[] width = new int[HEADER.length];
        for (int i = 0; i < HEADER.length; i++) {
            width[i] = HEADER[i].length();
        }
        for (final String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                width[i] = Math.max(width[i], r[i].length());
            }
        }
        final StringBuilder header = new StringBuilder();
        for (int i = 0; i < HEADER.length; i++) {
            header.append(pad(HEADER[i], width[i], i >= 2 && i <= 4)).append("  ");
        }
        out.println(header.toString().stripTrailing());
        for (final String[] r : rows) {
            final StringBuilder line = new StringBuilder();
            for (int i = 0; i < r.length; i++) {
                line.append(pad(r[i], width[i], i >= 2 && i <= 4)).append("  ");
            }
            out.println(line.toString().stripTrailing());
        }
    }

    public String markdown() {
        final StringBuilder md = new StringBuilder();
        md.append("| ").append(String.join(" | ", HEADER)).append(" |\n");
        md.append("|---|---|---:|---:|---:|---|\n");
        for (final String[] r : rows) {
            md.append("| ").append(String.join(" | ", r)).append(" |\n");
        }
        return md.toString();
    }

    private static String pad(final String s, final int width, final boolean right) {
        final String fill = " ".repeat(Math.max(0, width - s.length()));
        return right ? fill + s : s + fill;
    }
}
