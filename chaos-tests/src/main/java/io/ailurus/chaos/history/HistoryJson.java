package io.ailurus.chaos.history;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;

/** One op per line (JSONL): {@code {"id":7,"process":2,"type":"ok","f":"send","t":123,"p":0,"v":42,"o":17}}. */
public final class HistoryJson {

    private HistoryJson() {
    }

    public static String toLine(final Op op) {
        final StringBuilder b = new StringBuilder(96);
        b.append("{\"id\":").append(op.id())
                .append(",\"process\":").append(op.process())
                .append(",\"type\":\"").append(op.type().name().toLowerCase(Locale.ROOT))
                .append("\",\"f\":\"").append(op.f().name().toLowerCase(Locale.ROOT))
                .append("\",\"t\":").append(op.timeNs());
        if (op.partition() >= 0) {
            b.append(",\"p\":").append(op.partition());
        }
        if (op.value() >= 0) {
            b.append(",\"v\":").append(op.value());
        }
        if (op.offset() >= 0) {
            b.append(",\"o\":").append(op.offset());
        }
        triples(b, "reads", op.reads());
        triples(b, "sends", op.sends());
        if (!op.partitions().isEmpty()) {
            final StringJoiner j = new StringJoiner(",", ",\"partitions\":[", "]");
            op.partitions().forEach(p -> j.add(Integer.toString(p)));
            b.append(j);
        }
        if (!op.endOffsets().isEmpty()) {
            final StringJoiner j = new StringJoiner(",", ",\"ends\":{", "}");
            new TreeMap<>(op.endOffsets()).forEach((p, o) -> j.add("\"" + p + "\":" + o));
            b.append(j);
        }
        if (op.error() != null) {
            b.append(",\"error\":").append(Json.quote(op.error()));
        }
        return b.append('}').toString();
    }

    /** {@code ,"key":[[partition,offset,value],...]}, nothing when empty. */
    private static void triples(final StringBuilder b, final String key, final List<Read> records) {
        if (!records.isEmpty()) {
            final StringJoiner j = new StringJoiner(",", ",\"" + key + "\":[", "]");
            records.forEach(r -> j.add("[" + r.partition() + "," + r.offset() + "," + r.value() + "]"));
            b.append(j);
        }
    }

    @SuppressWarnings("unchecked")
    private static List<Read> triples(final Map<String, Object> m, final String key) {
        final List<Read> records = new ArrayList<>();
        for (final Object r : (List<Object>) m.getOrDefault(key, List.of())) {
            final List<Object> t = (List<Object>) r;
            records.add(new Read(((Long) t.get(0)).intValue(), (Long) t.get(1), (Long) t.get(2)));
        }
        return records;
    }

    @SuppressWarnings("unchecked")
    public static Op fromLine(final String line) {
        final Map<String, Object> m = (Map<String, Object>) Json.parse(line);
        final List<Integer> partitions = new ArrayList<>();
        for (final Object p : (List<Object>) m.getOrDefault("partitions", List.of())) {
            partitions.add(((Long) p).intValue());
        }
        final Map<Integer, Long> ends = new TreeMap<>();
        ((Map<String, Object>) m.getOrDefault("ends", Map.of())).forEach((k, v) -> ends.put(Integer.parseInt(k), (Long) v));
        return new Op((Long) m.get("id"), ((Long) m.get("process")).intValue(),
                OpType.valueOf(((String) m.get("type")).toUpperCase(Locale.ROOT)),
                Fn.valueOf(((String) m.get("f")).toUpperCase(Locale.ROOT)), (Long) m.get("t"),
                num(m, "p").intValue(), num(m, "v"), num(m, "o"), triples(m, "reads"), partitions, ends,
                (String) m.get("error"), triples(m, "sends"));
    }

    private static Long num(final Map<String, Object> m, final String k) {
        final Object v = m.get(k);
        return v == null ? -1L : (Long) v;
    }

    public static History read(final Path file) throws IOException {
        final List<Op> ops = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(file)) {
            String line;
            while ((line = r.readLine()) != null) {
                if (!line.isBlank()) {
                    ops.add(fromLine(line));
                }
            }
        }
        return new History(ops);
    }
}
