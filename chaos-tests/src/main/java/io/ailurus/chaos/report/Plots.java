package io.ailurus.chaos.report;

import io.ailurus.chaos.history.Fn;
import io.ailurus.chaos.history.History;
import io.ailurus.chaos.history.OpType;
import io.ailurus.chaos.nemesis.FaultWindow;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The two pictures a person looks at first: completions per second and send latency over time, with every fault
 * window shaded (one colour per fault kind), so that a dip can be matched to its cause at a glance.
 */
public final class Plots {

    private static final Color[] SHADES = {new Color(230, 80, 80, 60), new Color(80, 80, 230, 60),
        new Color(80, 180, 80, 60), new Color(230, 160, 40, 60), new Color(160, 80, 200, 60), new Color(40, 180, 200, 60)};

    private Plots() {
    }

    public static void throughput(final History history, final List<FaultWindow> windows, final Path png) throws IOException {
        final int seconds = (int) (lastSecond(history) + 1);
        final Map<String, double[]> series = new LinkedHashMap<>();
        for (final String name : List.of("send ok", "send fail", "send info", "poll ok")) {
            series.put(name, new double[seconds]);
        }
        for (final History.Pair p : history.pairs()) {
            final int s = (int) (p.completion().timeNs() / 1_000_000_000L);
            final String name = p.invoke().f() == Fn.SEND ? "send " + p.type().name().toLowerCase()
                    : p.invoke().f() == Fn.POLL && p.type() == OpType.OK ? "poll ok" : null;
            if (name != null && s >= 0 && s < seconds) {
                series.get(name)[s]++;
            }
        }
        final XYChart chart = chart("Completions per second", "ops/s");
        final double max = series.values().stream().flatMapToDouble(java.util.Arrays::stream).max().orElse(1);
        shade(chart, windows, Math.max(1, max));
        final double[] x = new double[seconds];
        for (int i = 0; i < seconds; i++) {
            x[i] = i;
        }
        series.forEach((name, y) -> chart.addSeries(name, x, y).setMarker(SeriesMarkers.NONE));
        BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    public static void latency(final History history, final List<FaultWindow> windows, final Path png) throws IOException {
        final Map<OpType, List<double[]>> points = new LinkedHashMap<>();
        for (final History.Pair p : history.pairs(Fn.SEND)) {
            final double t = p.completion().timeNs() / 1e9;
            final double ms = (p.completion().timeNs() - p.invoke().timeNs()) / 1e6;
            points.computeIfAbsent(p.type(), k -> new ArrayList<>()).add(new double[] {t, ms});
        }
        final XYChart chart = chart("Send latency (invoke → complete)", "ms");
        final double max = points.values().stream().flatMap(List::stream).mapToDouble(a -> a[1]).max().orElse(1);
        shade(chart, windows, Math.max(1, max));
        points.forEach((type, list) -> {
            final XYSeries s = chart.addSeries("send " + type.name().toLowerCase(),
                    list.stream().mapToDouble(a -> a[0]).toArray(), list.stream().mapToDouble(a -> a[1]).toArray());
            s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
            s.setMarker(SeriesMarkers.CIRCLE);
        });
        BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    private static XYChart chart(final String title, final String yTitle) {
        final XYChart chart = new XYChartBuilder().width(1400).height(500).title(title)
                .xAxisTitle("seconds since start").yAxisTitle(yTitle).build();
        chart.getStyler().setMarkerSize(3);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        return chart;
    }

    /** One area series per fault kind: a rectangle over each of its windows, zero elsewhere. */
    private static void shade(final XYChart chart, final List<FaultWindow> windows, final double top) {
        final Map<String, List<FaultWindow>> byKind = new LinkedHashMap<>();
        windows.forEach(w -> byKind.computeIfAbsent(w.fault().kind().row + " " + w.fault().kind().name().toLowerCase(),
                k -> new ArrayList<>()).add(w));
        int colour = 0;
        for (final Map.Entry<String, List<FaultWindow>> e : byKind.entrySet()) {
            final List<Double> xs = new ArrayList<>();
            final List<Double> ys = new ArrayList<>();
            for (final FaultWindow w : e.getValue()) {
                final double s = w.startNs() / 1e9;
                final double end = w.endNs() / 1e9;
                xs.addAll(List.of(s, s, end, end));
                ys.addAll(List.of(0.0, top, top, 0.0));
            }
            final XYSeries series = chart.addSeries("fault " + e.getKey(),
                    xs.stream().mapToDouble(Double::doubleValue).toArray(), ys.stream().mapToDouble(Double::doubleValue).toArray());
            series.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Area);
            series.setMarker(SeriesMarkers.NONE);
            final Color c = SHADES[colour++ % SHADES.length];
            series.setFillColor(c);
            series.setLineColor(c);
        }
    }

    private static double lastSecond(final History history) {
        return history.ops().isEmpty() ? 0 : history.ops().get(history.ops().size() - 1).timeNs() / 1e9;
    }
}
