package io.ailurus.broker.cli;

/**
 * One input line of {@code ailurus produce} as a record: with a key separator, the text before its first occurrence
 * is the key and the rest the value; a line without the separator (or no separator at all) is a value with no key.
 */
record KeyedLine(String key, String value) {

    static KeyedLine split(final String line, final String separator) {
        if (separator == null) {
            return new KeyedLine(null, line);
        }
        final int at = line.indexOf(separator);
        if (at < 0) {
            return new KeyedLine(null, line);
        }
        return new KeyedLine(line.substring(0, at), line.substring(at + separator.length()));
    }
}
