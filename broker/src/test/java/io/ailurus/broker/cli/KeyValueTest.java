package io.ailurus.broker.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

class KeyValueTest {

    @Test
    void splitsAtTheFirstEqualsSign() {
        assertEquals(new KeyValue("trace-id", "a=b=c"), KeyValue.parse("trace-id=a=b=c"));
    }

    @Test
    void allowsAnEmptyValue() {
        assertEquals(new KeyValue("flag", ""), KeyValue.parse("flag="));
    }

    @Test
    void rejectsAMissingEqualsSignOrAnEmptyKey() {
        assertEquals("expected KEY=VALUE but was 'retention.ms'",
                assertThrows(IllegalArgumentException.class, () -> KeyValue.parse("retention.ms")).getMessage());
        assertEquals("the key is empty in '=x'",
                assertThrows(IllegalArgumentException.class, () -> KeyValue.parse("=x")).getMessage());
    }

    @Test
    void converterTurnsMistakesIntoUsageErrors() {
        assertThrows(TypeConversionException.class, () -> new KeyValue.Converter().convert("nope"));
    }

    @Test
    void laterDuplicatesWinInTheMap() {
        final Map<String, String> map = KeyValue.toMap(List.of(KeyValue.parse("a=1"), KeyValue.parse("b=2"),
                KeyValue.parse("a=3")));
        assertEquals(Map.of("a", "3", "b", "2"), map);
        assertEquals(List.of("a", "b"), List.copyOf(map.keySet()));
    }
}
