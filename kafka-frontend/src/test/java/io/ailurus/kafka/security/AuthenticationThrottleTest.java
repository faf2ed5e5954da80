package io.ailurus.kafka.security;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class AuthenticationThrottleTest {

    @Test
    void failuresFromOneAddressDoubleTheDelayUpToTheCapAndAreForgottenAfterAMinute() throws Exception {
        final AuthenticationThrottle throttle = new AuthenticationThrottle(100, 1_000);
        final InetAddress guesser = InetAddress.getByName("10.0.0.1");
        final InetAddress other = InetAddress.getByName("10.0.0.2");
        assertEquals(100, throttle.failed(guesser, 0));
        assertEquals(200, throttle.failed(guesser, 10));
        assertEquals(400, throttle.failed(guesser, 20));
        assertEquals(800, throttle.failed(guesser, 30));
        assertEquals(1_000, throttle.failed(guesser, 40));
        assertEquals(100, throttle.failed(other, 50), "another address is not slowed by the first one's failures");
        assertEquals(100, throttle.failed(guesser, 40 + 60_001), "a minute without failures starts over");
    }
}
