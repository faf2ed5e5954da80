package io.ailurus.bench.txn;

import io.ailurus.bench.broker.BrokerKind;
import io.ailurus.bench.broker.Sizes;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The log cleaner's own reports of one partition in a broker's log, read as the log grows from where this tail was
 * opened. Each broker logs a line (or lines) at the end of every pass that cleaned something:
 * <ul>
 *   <li>ailurus ({@code LogCleaner}, logback {@code yyyy-MM-dd HH:mm:ss.SSS} timestamps):
 *       {@code Compacted <tp> up to offset N: k segment(s) rewritten, r record(s) dropped, a -> b bytes};</li>
 *   <li>Kafka ({@code LogCleaner.recordStats}, one log4j event over several lines, {@code [yyyy-MM-dd HH:mm:ss,SSS]}):
 *       {@code Log cleaner thread 0 cleaned log <tp> (dirty section = [x, N])}, then {@code X MB of log processed in
 *       ...}, {@code Start size: ... (n messages)}, {@code End size: Y MB (m messages)}; its MB are MiB.</li>
 * </ul>
 * A pass's time is its line's timestamp: the broker JVMs run on this machine, in this JVM's time zone.
 */
final class CleanerLog {

    /**
     * One cleaning pass: when it was logged, the offset it cleaned up to, the bytes of log it went over (before) and
     * what they became, and how many records it dropped.
     */
    record Pass(long epochMillis, long cleanedUpTo, long bytesRead, long bytesAfter, long recordsDropped) {
    }

    private static final Pattern AILURUS_PASS = Pattern.compile("^(\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}\\.\\d{3}) "
            + ".*Compacted (\\S+) up to offset (\\d+): (\\d+) segment\\(s\\) rewritten, (\\d+) record\\(s\\) dropped, "
            + "(\\d+) -> (\\d+) bytes");
    private static final DateTimeFormatter AILURUS_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");

    private static final Pattern KAFKA_TIMESTAMP = Pattern.compile("^\\[(\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2},\\d{3})\\]");
    private static final Pattern KAFKA_CLEANED = Pattern.compile(
            "Log cleaner thread \\d+ cleaned log (\\S+) \\(dirty section = \\[(\\d+), (\\d+)\\]\\)");
    private static final Pattern KAFKA_PROCESSED = Pattern.compile("([\\d,.]+) MB of log processed in");
    private static final Pattern KAFKA_START = Pattern.compile("Start size: ([\\d,.]+) MB \\(([\\d,]+) messages\\)");
    private static final Pattern KAFKA_END = Pattern.compile("End size: ([\\d,.]+) MB \\(([\\d,]+) messages\\)");
    private static final DateTimeFormatter KAFKA_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss,SSS");

    private final Path file;
    private final BrokerKind kind;
    private final String topicPartition;
    private long position;
    /** The end of the file read so far, up to a line not yet complete. ISO-8859-1: one char per byte. */
    private final StringBuilder partialLine = new StringBuilder();

    // Kafka's report spans several lines: the pass being read, and the timestamp of the event it is in.
    private long kafkaEventMillis = -1;
    private long kafkaCleanedUpTo = -1;
    private long kafkaBytesRead;
    private long kafkaStartMessages;

    private CleanerLog(final Path file, final BrokerKind kind, final String topicPartition, final long position) {
        this.file = file;
        this.kind = kind;
        this.topicPartition = topicPartition;
        this.position = position;
    }

    /** A tail of {@code file} from its current end, for the passes over {@code topicPartition} ("topic-0"). */
    static CleanerLog fromEnd(final Path file, final BrokerKind kind, final String topicPartition) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return new CleanerLog(file, kind, topicPartition, ch.size());
        }
    }

    /** The passes logged since the last call. */
    List<Pass> poll() throws IOException {
        final List<Pass> passes = new ArrayList<>();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            final ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
            while (position < ch.size()) {
                buf.clear();
                final int n = ch.read(buf, position);
                if (n <= 0) {
                    break;
                }
                position += n;
                partialLine.append(new String(buf.array(), 0, n, StandardCharsets.ISO_8859_1));
                int newline;
                while ((newline = partialLine.indexOf("\n")) >= 0) {
                    final String line = partialLine.substring(0, newline);
                    partialLine.delete(0, newline + 1);
                    final Pass pass = kind == BrokerKind.AILURUS ? ailurusLine(line) : kafkaLine(line);
                    if (pass != null) {
                        passes.add(pass);
                    }
                }
            }
        }
        return passes;
    }

    private Pass ailurusLine(final String line) {
        final Matcher m = AILURUS_PASS.matcher(line);
        if (!m.find() || !m.group(2).equals(topicPartition)) {
            return null;
        }
        return new Pass(millis(m.group(1), AILURUS_TIME), Long.parseLong(m.group(3)), Long.parseLong(m.group(6)),
                Long.parseLong(m.group(7)), Long.parseLong(m.group(5)));
    }

    private Pass kafkaLine(final String line) {
        final Matcher time = KAFKA_TIMESTAMP.matcher(line);
        if (time.find()) {
            kafkaEventMillis = millis(time.group(1), KAFKA_TIME);
        }
        final Matcher cleaned = KAFKA_CLEANED.matcher(line);
        if (cleaned.find()) {
            kafkaCleanedUpTo = cleaned.group(1).equals(topicPartition) ? Long.parseLong(cleaned.group(3)) : -1;
            return null;
        }
        if (kafkaCleanedUpTo < 0) {
            return null;
        }
        final Matcher processed = KAFKA_PROCESSED.matcher(line);
        if (processed.find()) {
            kafkaBytesRead = mibToBytes(processed.group(1));
        }
        final Matcher start = KAFKA_START.matcher(line);
        if (start.find()) {
            kafkaStartMessages = Long.parseLong(start.group(2).replace(",", ""));
        }
        final Matcher end = KAFKA_END.matcher(line);
        if (end.find()) {
            final Pass pass = new Pass(kafkaEventMillis, kafkaCleanedUpTo, kafkaBytesRead, mibToBytes(end.group(1)),
                    kafkaStartMessages - Long.parseLong(end.group(2).replace(",", "")));
            kafkaCleanedUpTo = -1;
            return pass;
        }
        return null;
    }

    /** Kafka prints MiB with one decimal ("%,.1f MB"): about 50 KiB of rounding. */
    private static long mibToBytes(final String text) {
        return (long) (Double.parseDouble(text.replace(",", "")) * Sizes.MIB);
    }

    /** -1 if the timestamp cannot be read; the caller then uses the time the line was seen. */
    private static long millis(final String text, final DateTimeFormatter format) {
        try {
            return LocalDateTime.parse(text, format).atZone(ZoneId.systemDefault()).toInstant().toEpochMilli();
        } catch (DateTimeParseException e) {
            return -1;
        }
    }
}
