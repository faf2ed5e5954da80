package io.ailurus.tier.s3;

import java.io.IOException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.http.scaladsl.model.EntityStreamException;
import org.apache.pekko.http.scaladsl.model.IllegalResponseException;
import org.apache.pekko.stream.BufferOverflowException;
import org.apache.pekko.stream.StreamTcpException;
import org.apache.pekko.stream.connectors.s3.FailedUpload;
import org.apache.pekko.stream.connectors.s3.S3Exception;

/** Which failures of an object-store attempt are worth another attempt, and how to name them in one line. */
final class Failures {

    /** Pekko HTTP's client reports a connection that closed before its response in exceptions of this package. */
    private static final String PEKKO_HTTP_CLIENT_PACKAGE = "org.apache.pekko.http.impl.engine.client";

    static final int DESCRIPTION_LIMIT = 300;

    private Failures() {
    }

    /**
     * Retriable: the store was busy or broken for a moment (500, 502, 503 SlowDown, 504, 408, 429), the connection
     * was refused, reset or cut mid-body, or the attempt timed out. Not retriable: any other answer of the store
     * (4xx: the request itself is wrong or forbidden; 404: the object is not there) and failures of our own making.
     */
    static boolean isRetriable(final Throwable failure) {
        for (Throwable t = unwrap(failure); t != null; t = t.getCause()) {
            if (t instanceof S3Exception s3) {
                return isRetriableStatus(s3.statusCode().intValue());
            }
            if (t instanceof TruncatedBodyException
                    || t instanceof TimeoutException
                    || t instanceof IOException
                    || t instanceof StreamTcpException
                    || t instanceof EntityStreamException
                    || t instanceof IllegalResponseException
                    || t instanceof BufferOverflowException
                    // Parts of a multipart upload that failed even after the connector's own retries of each part.
                    || t instanceof FailedUpload
                    || t.getClass().getName().startsWith(PEKKO_HTTP_CLIENT_PACKAGE)) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    static boolean isRetriableStatus(final int status) {
        return switch (status) {
            case 408, 429, 500, 502, 503, 504 -> true;
            default -> false;
        };
    }

    /**
     * S3 answered 404 for the object: no such key. A missing bucket is a 404 too, but a misconfiguration rather
     * than an absent object, so it is not counted here.
     */
    static boolean isNotFound(final Throwable failure) {
        return unwrap(failure) instanceof S3Exception s3 && s3.statusCode().intValue() == 404
                && !"NoSuchBucket".equals(s3.code());
    }

    /**
     * One line for logs and exception messages: no stack trace, the store's error code when there is one, and no
     * more than {@value #DESCRIPTION_LIMIT} characters (an error body that is not S3's XML can be a whole page).
     */
    static String describe(final Throwable failure) {
        final Throwable t = unwrap(failure);
        if (t == null) {
            return "no cause";
        }
        final String text;
        if (t instanceof S3Exception s3) {
            text = "HTTP " + s3.statusCode().intValue() + " " + s3.code() + ": " + s3.message();
        } else {
            text = t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
        }
        final String oneLine = text.replaceAll("\\s*[\\r\\n]+\\s*", " ");
        return oneLine.length() <= DESCRIPTION_LIMIT ? oneLine : oneLine.substring(0, DESCRIPTION_LIMIT) + "...";
    }

    /** The failure itself, not the wrappers CompletableFuture puts around it. */
    static Throwable unwrap(final Throwable failure) {
        Throwable t = failure;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
