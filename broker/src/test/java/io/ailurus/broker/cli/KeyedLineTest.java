package io.ailurus.broker.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class KeyedLineTest {

    @Test
    void withoutASeparatorTheWholeLineIsTheValue() {
        assertEquals(new KeyedLine(null, "user-1:clicked"), KeyedLine.split("user-1:clicked", null));
    }

    @Test
    void theKeyIsTheTextBeforeTheFirstSeparator() {
        assertEquals(new KeyedLine("user-1", "clicked:twice"), KeyedLine.split("user-1:clicked:twice", ":"));
    }

    @Test
    void separatorsMayBeLongerThanOneCharacter() {
        assertEquals(new KeyedLine("k", "v::w"), KeyedLine.split("k::v::w", "::"));
    }

    @Test
    void aLineWithoutTheSeparatorHasNoKey() {
        assertEquals(new KeyedLine(null, "no key here"), KeyedLine.split("no key here", "\t"));
    }

    @Test
    void keyOrValueMayBeEmpty() {
        assertEquals(new KeyedLine("", "value"), KeyedLine.split(":value", ":"));
        assertEquals(new KeyedLine("key", ""), KeyedLine.split("key:", ":"));
        assertEquals(new KeyedLine(null, ""), KeyedLine.split("", ":"));
    }
}
