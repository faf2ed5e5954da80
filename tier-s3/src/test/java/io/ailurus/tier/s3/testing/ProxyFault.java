package io.ailurus.tier.s3.testing;

import java.time.Duration;

/** What {@link S3FaultProxy} does with a request. */
public sealed interface ProxyFault {

    /** Forward the request and its response untouched. */
    ProxyFault PASS = new Pass();
    /** Answer {@code 500 Internal Server Error} with S3's {@code InternalError} body, without asking the server. */
    ProxyFault FAIL_500 = new FailStatus(500, "Internal Server Error", "InternalError",
            "We encountered an internal error. Please try again.");
    /** Answer {@code 503 Slow Down} with S3's {@code SlowDown} body, as S3 does when throttling. */
    ProxyFault FAIL_503 = new FailStatus(503, "Slow Down", "SlowDown", "Please reduce your request rate.");
    /** Close the client's connection at once with a TCP reset (SO_LINGER 0), before any answer. */
    ProxyFault RESET = new Reset();
    /** Forward the request; of the response, forward the head and half the body, then close the connection. */
    ProxyFault CUT_BODY = new CutBody();
    /** Forward the request; of the response, forward the head and half the body, then send nothing more. */
    ProxyFault STALL_BODY = new StallBody();

    /** Wait this long, then forward as {@link #PASS} does. */
    static ProxyFault delay(final Duration delay) {
        return new Delay(delay);
    }

    record Pass() implements ProxyFault {
    }

    record FailStatus(int status, String reason, String errorCode, String message) implements ProxyFault {
    }

    record Reset() implements ProxyFault {
    }

    record CutBody() implements ProxyFault {
    }

    record StallBody() implements ProxyFault {
    }

    record Delay(Duration delay) implements ProxyFault {
    }
}
