package io.ailurus.broker.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** A {@code key=value} argument (a header, a topic config, a client property): split at the first {@code '='}. */
record KeyValue(String key, String value) {

    static KeyValue parse(final String text) {
        final int eq = text.indexOf('=');
        if (eq < 0) {
            throw new IllegalArgumentException("expected KEY=VALUE but was '" + text + "'");
        }
        if (eq == 0) {
            throw new IllegalArgumentException("the key is empty in '" + text + "'");
        }
        return new KeyValue(text.substring(0, eq), text.substring(eq + 1));
    }

    /** In the given order; a later duplicate key wins. */
    static Map<String, String> toMap(final List<KeyValue> pairs) {
        final Map<String, String> map = new LinkedHashMap<>();
        for (final KeyValue pair : pairs) {
            map.put(pair.key(), pair.value());
        }
        return map;
    }

    @Override
    public String toString() {
        return key + "=" + value;
    }

    /** Lets picocli report a malformed pair as a usage error. */
    static final class Converter implements ITypeConverter<KeyValue> {
        @Override
        public KeyValue convert(final String text) {
            try {
                return parse(text);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
