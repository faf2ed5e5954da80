package io.ailurus.tier.s3;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.ClassicActorSystemProvider;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.headers.ByteRange;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.connectors.s3.BucketAccess;
import org.apache.pekko.stream.connectors.s3.ObjectMetadata;
import org.apache.pekko.stream.connectors.s3.S3Exception;
import org.apache.pekko.stream.connectors.s3.S3Headers;
import org.apache.pekko.stream.connectors.s3.javadsl.S3;
import org.apache.pekko.stream.javadsl.FileIO;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;

/**
 * The object store (S3 or a compatible store) as tier actors need it: whole objects up and down, byte ranges down,
 * listings and deletes, over Pekko Connectors S3.
 *
 * <p>Every method is asynchronous and never blocks the calling thread (callers are actors). Every call has a deadline
 * ({@link S3Settings#callTimeout()}, retries included) and is retried with exponential backoff and jitter after
 * failures worth retrying (5xx answers, SlowDown, broken connections, stalls); see {@link DeadlineRetrier}. A call
 * that fails for good fails with an {@link ObjectStoreException}.
 *
 * <p>Thread-safe; one instance per node is enough. Its HTTP connections come from the actor system's Pekko HTTP pool
 * ({@code pekko.http.host-connection-pool}, tuned in this module's {@code reference.conf}).
 */
public final class ObjectStore {

    /** Bodies up to this size go up in one PUT; larger ones as a multipart upload (parts of 5 MiB, 4 in flight). */
    public static final long MULTIPART_THRESHOLD = 8L * 1024 * 1024;
    /** The slowest upload rate a large upload's deadline allows for. */
    public static final long SLOWEST_UPLOAD_BYTES_PER_SECOND = 4L * 1024 * 1024;

    /** Read size of file uploads: large enough for few stream elements, small enough to keep buffers small. */
    private static final int FILE_CHUNK_BYTES = 256 * 1024;

    /** Deletes of one {@link #deleteAll} in flight at once. */
    private static final int DELETE_PARALLELISM = 4;

    private final S3Settings settings;
    private final String bucket;
    private final Attributes s3;
    private final Materializer materializer;
    private final DeadlineRetrier retrier;

    /** @param system a typed or classic actor system; its dispatcher runs the streams, its scheduler the timers */
    public ObjectStore(final ClassicActorSystemProvider system, final S3Settings settings) {
        this.settings = settings;
        this.bucket = settings.bucket();
        this.s3 = settings.toAttributes();
        this.materializer = Materializer.matFromSystem(system);
        this.retrier = new DeadlineRetrier(system.classicSystem().scheduler(), system.classicSystem().dispatcher(),
                settings);
    }

    public S3Settings settings() {
        return settings;
    }

    /** Stores {@code bytes} under {@code key}, replacing what was there. */
    public CompletionStage<Void> put(final String key, final byte[] bytes) {
        return putBytes("put", key, ByteString.fromArray(bytes));
    }

    /** Stores the remaining bytes of {@code bytes} under {@code key}; the buffer's position does not move. */
    public CompletionStage<Void> put(final String key, final ByteBuffer bytes) {
        return putBytes("put", key, ByteString.fromByteBuffer(bytes.duplicate()));
    }

    /**
     * Stores {@code length} bytes of {@code file} from {@code position} under {@code key}, streamed from the file (a
     * multipart upload above {@link #MULTIPART_THRESHOLD}, whose attempts only the call's deadline bounds: the call
     * timeout plus the time the bytes take at {@link #SLOWEST_UPLOAD_BYTES_PER_SECOND}, so a 1 GiB segment is not
     * cut off by a deadline meant for small requests). The range must stay unchanged until the
     * stage completes: a retry reads it again. A failed multipart attempt leaves its parts behind as an incomplete
     * upload; a bucket lifecycle rule (AbortIncompleteMultipartUpload) removes those.
     */
    public CompletionStage<Void> putFile(final String key, final Path file, final long position, final long length) {
        if (position < 0 || length < 0) {
            return CompletableFuture.failedFuture(new IllegalArgumentException(
                    "putFile of '" + key + "': negative position " + position + " or length " + length));
        }
        final long fileSize;
        try {
            fileSize = Files.size(file);
        } catch (final IOException e) {
            return CompletableFuture.failedFuture(
                    new ObjectStoreException("putFile", key, 0, false, "cannot read " + file, e));
        }
        if (position + length > fileSize) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("putFile of '" + key + "': range ["
                    + position + ", " + (position + length) + ") lies beyond the end of " + file + " (" + fileSize
                    + " bytes)"));
        }
        final Source<ByteString, ?> range = fileRange(file, position, length);
        if (length <= MULTIPART_THRESHOLD) {
            return retrier.call("putFile", key, limits -> putOnce(key, range, length, limits));
        }
        return retrier.call("putFile", key, uploadDeadline(length), limits -> multipartOnce(key, range, limits));
    }

    /** The object's bytes, or empty if there is no object under {@code key}. */
    public CompletionStage<Optional<byte[]>> get(final String key) {
        final CompletableFuture<byte[]> bytes = retrier.call("get", key, limits -> downloadAll(key, limits));
        final CompletableFuture<Optional<byte[]>> result = new CompletableFuture<>();
        bytes.whenComplete((value, failure) -> {
            if (failure == null) {
                result.complete(Optional.of(value));
            } else if (Failures.unwrap(failure) instanceof ObjectNotFoundException) {
                result.complete(Optional.empty());
            } else {
                result.completeExceptionally(Failures.unwrap(failure));
            }
        });
        return result;
    }

    /**
     * Bytes {@code [from, toExclusive)} of the object under {@code key}, exactly that many. Fails with
     * {@link ObjectNotFoundException} if there is no such object, and with an {@link ObjectStoreException} that is
     * not retriable if the object ends before {@code toExclusive}.
     */
    public CompletionStage<byte[]> getRange(final String key, final long from, final long toExclusive) {
        if (from < 0 || toExclusive < from) {
            return CompletableFuture.failedFuture(new IllegalArgumentException(
                    "getRange of '" + key + "': bad range [" + from + ", " + toExclusive + ")"));
        }
        if (toExclusive == from) {
            return CompletableFuture.completedFuture(new byte[0]);
        }
        return retrier.call("getRange", key, limits -> downloadRange(key, from, toExclusive, limits));
    }

    /** Every object whose key starts with {@code prefix}, in key order (all pages of the listing). */
    public CompletionStage<List<ObjectInfo>> list(final String prefix) {
        return retrier.call("list", prefix, limits -> Stages.relay(limits
                .bound(S3.listBucket(bucket, Optional.of(prefix)).withAttributes(s3))
                .map(contents -> new ObjectInfo(contents.getKey(), contents.getSize(), contents.getLastModified()))
                .runWith(Sink.seq(), materializer)))
                .thenApply(List::copyOf);
    }

    /** Deletes the object under {@code key}; deleting an absent object succeeds (S3 semantics). */
    public CompletionStage<Void> delete(final String key) {
        return retrier.call("delete", key, limits -> Stages.relay(limits
                .bound(S3.deleteObject(bucket, key).withAttributes(s3))
                .runWith(Sink.ignore(), materializer)))
                .thenApply(done -> null);
    }

    /**
     * Deletes every object whose key starts with {@code prefix}: one listing, then a few deletes at a time, each a call
     * of its own (with its own deadline). Completes with the number of objects deleted.
     */
    public CompletionStage<Integer> deleteAll(final String prefix) {
        return list(prefix).thenCompose(objects -> Stages.relay(Source.from(objects)
                        .mapAsyncUnordered(DELETE_PARALLELISM,
                                object -> delete(object.key()).thenApply(deleted -> Done.getInstance()))
                        .runWith(Sink.ignore(), materializer))
                .thenApply(done -> objects.size()));
    }

    /** Creates the bucket unless it exists (for tests and development setups; production buckets are provisioned). */
    public CompletionStage<Void> ensureBucket() {
        return retrier.call("ensureBucket", bucket, limits -> Stages.relay(limits
                        .bound(S3.checkIfBucketExistsSource(bucket).withAttributes(s3))
                        .runWith(Sink.head(), materializer))
                .thenCompose(access -> createUnlessPresent(access, limits)))
                .thenApply(done -> null);
    }

    private CompletionStage<Done> createUnlessPresent(final BucketAccess access, final AttemptLimits limits) {
        if (access.equals(BucketAccess.accessGranted())) {
            return CompletableFuture.completedFuture(Done.getInstance());
        }
        if (access.equals(BucketAccess.accessDenied())) {
            return CompletableFuture.failedFuture(new ObjectStoreException("ensureBucket", bucket, limits.number(),
                    false, "access denied", null));
        }
        return Stages.relay(limits.bound(S3.makeBucketSource(bucket).withAttributes(s3))
                .runWith(Sink.head(), materializer))
                .exceptionally(failure -> {
                    // Created meanwhile by another node: just as good.
                    if (Failures.unwrap(failure) instanceof S3Exception e && e.statusCode().intValue() == 409) {
                        return Done.getInstance();
                    }
                    throw new CompletionException(Failures.unwrap(failure));
                });
    }

    private CompletionStage<Void> putBytes(final String operation, final String key, final ByteString bytes) {
        if (bytes.size() <= MULTIPART_THRESHOLD) {
            return retrier.call(operation, key, limits -> putOnce(key, Source.single(bytes), bytes.size(), limits));
        }
        return retrier.call(operation, key, limits -> multipartOnce(key, chunked(bytes), limits));
    }

    /**
     * One single-request PUT. Its stream's only element is the answer, so the stall timeout bounds the whole request:
     * a body of up to {@link #MULTIPART_THRESHOLD} must go up within it.
     */
    private CompletionStage<Void> putOnce(final String key, final Source<ByteString, ?> body, final long length,
            final AttemptLimits limits) {
        return Stages.relay(limits.bound(S3.putObject(bucket, key, body, length, ContentTypes.APPLICATION_OCTET_STREAM,
                        S3Headers.empty()).withAttributes(s3))
                .runWith(Sink.ignore(), materializer))
                .thenApply(done -> null);
    }

    /**
     * One multipart upload: the body feeds the connector's upload sink, which uploads parts, 4 at a time, and
     * retries a failed part on its own (so one bad part does not send the others again). Bounded by the call's
     * deadline only: the body rightly pauses while parts are in flight, for as long as the link needs for them, so
     * a pause is no sign of a stall here.
     */
    private CompletionStage<Void> multipartOnce(final String key, final Source<ByteString, ?> body,
            final AttemptLimits limits) {
        return Stages.relay(limits.boundByDeadline(body)
                .toMat(S3.multipartUpload(bucket, key, ContentTypes.APPLICATION_OCTET_STREAM, S3Headers.empty())
                        .withAttributes(s3), Keep.right())
                .run(materializer))
                .thenApply(result -> null);
    }

    /** One GET of the whole object, collected into an array. */
    private CompletionStage<byte[]> downloadAll(final String key, final AttemptLimits limits) {
        return Stages.relay(limits.bound(S3.getObject(bucket, key).withAttributes(s3))
                .runWith(Sink.fold(ByteString.emptyByteString(), ByteString::concat), materializer))
                .thenApply(ByteString::toArray);
    }

    /** One ranged GET, collected into an array that must hold exactly the bytes asked for. */
    private CompletionStage<byte[]> downloadRange(final String key, final long from, final long toExclusive,
            final AttemptLimits limits) {
        final Pair<CompletionStage<ObjectMetadata>, CompletionStage<ByteString>> download = limits
                .bound(S3.getObject(bucket, key, ByteRange.createSlice(from, toExclusive - 1)).withAttributes(s3))
                .toMat(Sink.fold(ByteString.emptyByteString(), ByteString::concat), Keep.both())
                .run(materializer);
        final CompletableFuture<ObjectMetadata> metadata = Stages.relay(download.first());
        return Stages.relay(download.second())
                .thenCombine(metadata, (bytes, meta) -> checkedRange(key, from, toExclusive, bytes, meta, limits));
    }

    private static byte[] checkedRange(final String key, final long from, final long toExclusive,
            final ByteString bytes, final ObjectMetadata metadata, final AttemptLimits limits) {
        final long expected = toExclusive - from;
        if (bytes.size() == expected) {
            return bytes.toArray();
        }
        final long objectSize = objectSize(metadata);
        if (bytes.size() < expected && objectSize >= 0 && objectSize < toExclusive) {
            // S3 clips a range at the object's end: asking again will not make the object longer.
            throw new ObjectStoreException("getRange", key, limits.number(), false, "the object ends before the range",
                    new IllegalStateException("asked for bytes [" + from + ", " + toExclusive + ") of an object of "
                            + objectSize + " bytes"));
        }
        if (bytes.size() > expected) {
            throw new ObjectStoreException("getRange", key, limits.number(), false, "the store ignored the range",
                    new IllegalStateException("asked for " + expected + " bytes, got " + bytes.size()));
        }
        throw new TruncatedBodyException("asked for " + expected + " bytes from offset " + from + ", got "
                + bytes.size());
    }

    /** The object's full size from a ranged answer's {@code Content-Range: bytes 0-99/1000}; -1 if not given. */
    static long objectSize(final ObjectMetadata metadata) {
        for (final HttpHeader header : metadata.headers()) {
            if (header.is("content-range")) {
                final String value = header.value();
                final int slash = value.lastIndexOf('/');
                if (slash >= 0) {
                    try {
                        return Long.parseLong(value.substring(slash + 1).trim());
                    } catch (final NumberFormatException unknownSize) {
                        return -1;
                    }
                }
            }
        }
        return -1;
    }

    private static Source<ByteString, ?> fileRange(final Path file, final long position, final long length) {
        return FileIO.fromPath(file, FILE_CHUNK_BYTES, position)
                .statefulMap(
                        () -> new long[] {length},
                        (left, chunk) -> {
                            final int take = (int) Math.min(left[0], chunk.size());
                            left[0] -= take;
                            return Pair.create(left, chunk.take(take));
                        },
                        left -> Optional.empty())
                .takeWhile(chunk -> !chunk.isEmpty());
    }

    private static Source<ByteString, ?> chunked(final ByteString bytes) {
        final List<ByteString> chunks = new ArrayList<>(bytes.size() / FILE_CHUNK_BYTES + 1);
        for (int offset = 0; offset < bytes.size(); offset += FILE_CHUNK_BYTES) {
            chunks.add(bytes.slice(offset, Math.min(bytes.size(), offset + FILE_CHUNK_BYTES)));
        }
        return Source.from(chunks);
    }

    private java.time.Duration uploadDeadline(final long length) {
        return settings.callTimeout().plusSeconds(length / SLOWEST_UPLOAD_BYTES_PER_SECOND);
    }
}
