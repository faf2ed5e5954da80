package io.ailurus.partition.log;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class KeyOffsetMapTest {

    private static ByteBuffer key(final String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aKeysNewestOffsetWinsAndAnUnseenKeyHasNone() {
        final KeyOffsetMap map = new KeyOffsetMap(100);
        map.put(key("a"), 1);
        map.put(key("b"), 2);
        map.put(key("a"), 7);
        assertEquals(7, map.get(key("a")));
        assertEquals(2, map.get(key("b")));
        assertEquals(-1, map.get(key("c")));
        assertEquals(2, map.size());
        map.clear();
        assertEquals(-1, map.get(key("a")));
        assertEquals(0, map.size());
    }

    @Test
    void itGrowsPastItsSizeWhenOneSegmentHoldsMoreKeysAndForgetsNone() {
        final KeyOffsetMap map = new KeyOffsetMap(16);
        for (int i = 0; i < 50_000; i++) {
            map.put(key("key-" + i), i);
        }
        for (int i = 0; i < 50_000; i += 2) {
            map.put(key("key-" + i), 100_000 + i);
        }
        assertEquals(50_000, map.size());
        for (int i = 0; i < 50_000; i++) {
            assertEquals(i % 2 == 0 ? 100_000 + i : i, map.get(key("key-" + i)), "key-" + i);
        }
    }
}
