package io.ailurus.bench.group;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The side-by-side table: each figure on ailurus and on Kafka, the ratio ailurus / Kafka, and the target where there
 * is one (the rebalance after a member left: ailurus no slower than Kafka). Printed as text and as Markdown.
 */
final class GroupTable {

    private static final String[] HEADER = {"figure", "ailurus", "Kafka", "ailurus/Kafka", "target"};

    private final List<String[]> rows = new ArrayList<>();

    private GroupTable() {
    }

    static GroupTable of(final BrokerGroupResults ailurus, final BrokerGroupResults kafka) {
        final GroupTable t = new GroupTable();
        t.row("group formation, median ms", ailurus, kafka, r -> BrokerGroupResults.median(r.formationMs()),
                "%.0f", false);
        t.row("group formation, max ms", ailurus, kafka, r -> BrokerGroupResults.max(r.formationMs()), "%.0f", false);
        t.row("rebalance after LeaveGroup, median ms", ailurus, kafka,
                r -> BrokerGroupResults.median(r.rebalanceMs()), "%.0f", true);
        t.row("rebalance after LeaveGroup, max ms", ailurus, kafka, r -> BrokerGroupResults.max(r.rebalanceMs()),
                "%.0f", false);
        t.row("commitSync per second", ailurus, kafka, r -> r.commit() == null ? Double.NaN : r.commit().perSecond(),
                "%.0f", false);
        t.row("commitSync p50 ms", ailurus, kafka, r -> r.commit() == null ? Double.NaN
                : r.commit().percentileMillis(50), "%.3f", false);
        t.row("commitSync p99 ms", ailurus, kafka, r -> r.commit() == null ? Double.NaN
                : r.commit().percentileMillis(99), "%.3f", false);
        return t;
    }

    private void row(final String figure, final BrokerGroupResults ailurus, final BrokerGroupResults kafka,
            final Function<BrokerGroupResults, Double> value, final String format, final boolean atMostKafka) {
        final double a = ailurus == null ? Double.NaN : value.apply(ailurus);
        final double k = kafka == null ? Double.NaN : value.apply(kafka);
        final double ratio = a / k;
        String target = "";
        if (atMostKafka) {
            target = "<= Kafka" + (Double.isNaN(ratio) || Double.isInfinite(ratio) ? ""
                    : ratio <= 1.0 ? " ok" : " MISS");
        }
        rows.add(new String[] {figure, cell(a, format), cell(k, format), cell(ratio, "%.2f"), target});
    }

    private static String cell(final double v, final String format) {
        return Double.isNaN(v) || Double.isInfinite(v) ? "-" : String.format(format, v);
    }

    void printText(final PrintStream out) {
        final int[] width = new int[HEADER.length];
        for (int i = 0; i < HEADER.length; i++) {
            width[i] = HEADER[i].length();
        }
        for (final String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                width[i] = Math.max(width[i], r[i].length());
            }
        }
        out.println(line(HEADER, width));
        for (final String[] r : rows) {
            out.println(line(r, width));
        }
    }

    String markdown() {
        final StringBuilder md = new StringBuilder();
        md.append("| ").append(String.join(" | ", HEADER)).append(" |\n");
        md.append("|---|---:|---:|---:|---|\n");
        for (final String[] r : rows) {
            md.append("| ").append(String.join(" | ", r)).append(" |\n");
        }
        return md.toString();
    }

    private static String line(final String[] cells, final int[] width) {
        final StringBuilder s = new StringBuilder();
        for (int i = 0; i < cells.length; i++) {
            final String fill = " ".repeat(Math.max(0, width[i] - cells[i].length()));
            final boolean right = i >= 1 && i <= 3;
            s.append(right ? fill + cells[i] : cells[i] + fill).append("  ");
        }
        return s.toString().stripTrailing();
    }
}
