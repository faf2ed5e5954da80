package io.ailurus.bench.broker;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * Runs sync(1) before each measured phase, so the writeback of the previous phase's dirty pages does not land in
 * the next one. Without it, a broker that does not fsync (Kafka by default) would hand several GiB of dirty pages to
 * whatever runs next, and one that does (ailurus, for acks=all) would not: the phases would not be independent.
 */
public final class PageCacheSync {

    private static final long TIMEOUT_SECONDS = 180;
    private static boolean warned;

    private PageCacheSync() {
    }

    public static void run(final BrokerBenchOptions options) throws InterruptedException {
        if (!options.syncBetweenPhases()) {
            return;
        }
        try {
            final Process sync = new ProcessBuilder("sync").inheritIO().start();
            if (!sync.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                sync.destroyForcibly();
                System.out.println("  sync did not finish within " + TIMEOUT_SECONDS + " s; going on");
            }
        } catch (IOException e) {
            if (!warned) {
                warned = true;
                System.out.println("  cannot run sync(1) (" + e.getMessage() + "); phases may inherit writeback");
            }
        }
    }
}
