package io.ailurus.broker.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * The output pattern of {@code ailurus consume}, with kcat's placeholders: {@code %k} key, {@code %s} value,
 * {@code %t} topic, {@code %p} partition, {@code %o} offset, {@code %T} timestamp (ms), {@code %h} headers
 * ({@code k=v,k2=v2}), {@code %K}/{@code %S} key/value size in bytes (-1 for null), {@code %%} a percent sign; and
 * the escapes {@code \n}, {@code \r}, {@code \t}, {@code \\}. Keys, values and header values are written as their
 * raw bytes; a null key or value writes nothing.
 */
final class RecordFormat {

    static final String DEFAULT = "%s\\n";
    static final String PLACEHOLDERS = "%k %s %t %p %o %T %h %K %S %%";

    /** One piece of the compiled pattern. */
    private interface Part {
        void write(ConsumerRecord<byte[], byte[]> record, OutputStream out) throws IOException;
    }

    private final List<Part> parts;

    private RecordFormat(final List<Part> parts) {
        this.parts = parts;
    }

    static RecordFormat parse(final String pattern) {
        final List<Part> parts = new ArrayList<>();
        final StringBuilder literal = new StringBuilder();
        for (int i = 0; i < pattern.length(); i++) {
            final char c = pattern.charAt(i);
            if (c == '\\' && i + 1 < pattern.length()) {
                literal.append(escape(pattern.charAt(++i)));
            } else if (c == '%') {
                if (i + 1 == pattern.length()) {
                    throw new IllegalArgumentException("the format ends with a lone '%' (write %% for a percent sign)");
                }
                final char p = pattern.charAt(++i);
                if (p == '%') {
                    literal.append('%');
                } else {
                    addLiteral(parts, literal);
                    parts.add(placeholder(p));
                }
            } else {
                literal.append(c);
            }
        }
        addLiteral(parts, literal);
        return new RecordFormat(List.copyOf(parts));
    }

    void write(final ConsumerRecord<byte[], byte[]> record, final OutputStream out) throws IOException {
        for (final Part part : parts) {
            part.write(record, out);
        }
    }

    /** The record rendered as text (UTF-8); for tests and messages. */
    String render(final ConsumerRecord<byte[], byte[]> record) {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            write(record, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static String escape(final char c) {
        return switch (c) {
            case 'n' -> "\n";
            case 'r' -> "\r";
            case 't' -> "\t";
            case '\\' -> "\\";
            default -> "\\" + c;
        };
    }

    private static void addLiteral(final List<Part> parts, final StringBuilder literal) {
        if (literal.length() > 0) {
            final byte[] bytes = literal.toString().getBytes(StandardCharsets.UTF_8);
            parts.add((record, out) -> out.write(bytes));
            literal.setLength(0);
        }
    }

    private static Part placeholder(final char p) {
        return switch (p) {
            case 'k' -> (r, out) -> writeBytes(r.key(), out);
            case 's' -> (r, out) -> writeBytes(r.value(), out);
            case 't' -> (r, out) -> writeText(r.topic(), out);
            case 'p' -> (r, out) -> writeText(Integer.toString(r.partition()), out);
            case 'o' -> (r, out) -> writeText(Long.toString(r.offset()), out);
            case 'T' -> (r, out) -> writeText(Long.toString(r.timestamp()), out);
            case 'h' -> RecordFormat::writeHeaders;
            case 'K' -> (r, out) -> writeText(Integer.toString(r.key() == null ? -1 : r.key().length), out);
            case 'S' -> (r, out) -> writeText(Integer.toString(r.value() == null ? -1 : r.value().length), out);
            default -> throw new IllegalArgumentException(
                    "unknown placeholder %" + p + " in the format (known: " + PLACEHOLDERS + ")");
        };
    }

    private static void writeHeaders(final ConsumerRecord<byte[], byte[]> record, final OutputStream out)
            throws IOException {
        boolean first = true;
        for (final Header header : record.headers()) {
            if (!first) {
                out.write(',');
            }
            first = false;
            writeText(header.key(), out);
            out.write('=');
            writeBytes(header.value(), out);
        }
    }

    private static void writeBytes(final byte[] bytes, final OutputStream out) throws IOException {
        if (bytes != null) {
            out.write(bytes);
        }
    }

    private static void writeText(final String text, final OutputStream out) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Lets picocli report a malformed pattern as a usage error. */
    static final class Converter implements ITypeConverter<RecordFormat> {
        @Override
        public RecordFormat convert(final String pattern) {
            try {
                return parse(pattern);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
