package io.ailurus.wasm.abi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PayloadsTest {

    private static byte[] bytes(final int... values) {
        final byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    @Test
    void wellFormedPayloadsPass() {
        assertTrue(Payloads.isValid(bytes(0x01, 0x01, 0x00)));                       // null key, null value
        assertTrue(Payloads.isValid(bytes(0x02, 'k', 0x00, 0x02, 0x02, 'h', 0x01))); // "k", "", header h=null
    }

    @Test
    void malformedPayloadsAreRefused() {
        assertFalse(Payloads.isValid(bytes()));                           // nothing
        assertFalse(Payloads.isValid(bytes(0x03, 0x01, 0x00)));           // key length -2
        assertFalse(Payloads.isValid(bytes(0x0a, 'k', 0x01, 0x00)));      // key longer than the buffer
        assertFalse(Payloads.isValid(bytes(0x01, 0x01, 0x01)));           // header count -1
        assertFalse(Payloads.isValid(bytes(0x01, 0x01, 0x02, 0x01, 0x01))); // a null header key
        assertFalse(Payloads.isValid(bytes(0x01, 0x01, 0x00, 0x00)));     // a byte left over
        assertFalse(Payloads.isValid(bytes(0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff))); // a varint that never ends
    }

    @Test
    void writeOptionsNameTheTopicOrNothing() throws Exception {
        assertNull(WriteOptions.outputTopic(new byte[0]));
        assertEquals("odd", WriteOptions.outputTopic(bytes(0x01, 0x06, 'o', 'd', 'd')));
        assertThrows(WriteOptions.MalformedOptionsException.class, () -> WriteOptions.outputTopic(bytes(0x02, 0x00)));
        assertThrows(WriteOptions.MalformedOptionsException.class, () -> WriteOptions.outputTopic(bytes(0x01)));
        assertThrows(WriteOptions.MalformedOptionsException.class,
                () -> WriteOptions.outputTopic(bytes(0x01, 0x08, 'o')));
    }
}
