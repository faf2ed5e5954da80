package io.ailurus.chaos.nemesis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PowerLossTest {

    @TempDir
    Path data;

    @Test
    void cutsEachSegmentToItsLastJournaledSizeAndUnjournaledOnesToZero() throws Exception {
        final Path p0 = Files.createDirectories(data.resolve("t").resolve("0"));
        final Path synced = p0.resolve("00000000000000000000.log");
        final Path shrunk = p0.resolve("00000000000000000100.log");
        final Path never = p0.resolve("00000000000000000200.log");
        Files.write(synced, new byte[100]);
        Files.write(shrunk, new byte[50]);
        Files.write(never, new byte[30]);
        final Path index = p0.resolve("00000000000000000000.index");
        Files.write(index, new byte[8]);
        Files.writeString(data.resolve(PowerLoss.JOURNAL), synced.toAbsolutePath() + " 60\n"
                + shrunk.toAbsolutePath() + " 40\n" + synced.toAbsolutePath() + " 70\n"
                + shrunk.toAbsolutePath() + " 20\n");   // two concurrent fsyncs journaled out of order: the larger wins

        final PowerLoss.Outcome o = PowerLoss.cut(data);

        assertEquals(70, Files.size(synced));
        assertEquals(40, Files.size(shrunk));
        assertEquals(0, Files.size(never));
        assertEquals(8, Files.size(index), "only segment data is rolled back");
        assertEquals(3, o.files());
        assertEquals(2, o.journaled());
        assertEquals(30 + 10 + 30, o.bytesDropped());
    }
}
