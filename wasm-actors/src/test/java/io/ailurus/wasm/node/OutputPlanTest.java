package io.ailurus.wasm.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ailurus.wasm.abi.OutputRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class OutputPlanTest {

    private static final List<String> TOPICS = List.of("out-a", "out-b");
    private static final Map<String, Integer> PARTITIONS = Map.of("out-a", 4, "out-b", 2);

    private static OutputPlan plan(final int inputPartition, final List<OutputRecord> outputs,
                                   final OutputSequences before) {
        return OutputPlan.plan(TOPICS, inputPartition, outputs, before, t -> PARTITIONS.getOrDefault(t, 0));
    }

    private static OutputRecord out(final int topic, final int size) {
        return new OutputRecord(topic, new byte[size]);
    }

    @Test
    void sequencesCarryOnPerOutputAndThePartitionIsTheInputPartitionModItsCount() {
        final OutputSequences start = OutputSequences.fresh(77, 2);
        final OutputPlan first = plan(3, List.of(out(0, 10), out(1, 10), out(0, 10)), start);
        assertEquals(List.of(new OutputPlan.Batch("out-a", 3, 77, 0, first.batches().get(0).payloads()),
                new OutputPlan.Batch("out-b", 1, 77, 0, first.batches().get(1).payloads())), first.batches());
        assertEquals(2, first.batches().get(0).payloads().size());
        final OutputPlan second = plan(3, List.of(out(0, 10), out(1, 10)), first.after());
        assertEquals(2, second.batches().get(0).baseSequence());
        assertEquals(1, second.batches().get(1).baseSequence());
        assertEquals("eos1 77 3:3 1:2", second.after().encode());
    }

    @Test
    void theSameInputAndStoredSequencesGiveTheSamePlan() {
        final OutputSequences stored = OutputSequences.decode("eos1 9 1:40 1:5", 2).orElseThrow();
        final List<OutputRecord> outputs = List.of(out(0, 3), out(0, 4), out(1, 5));
        assertEquals(plan(1, outputs, stored).batches(), plan(1, outputs, stored).batches());
        assertEquals(40, plan(1, outputs, stored).batches().get(0).baseSequence());
    }

    @Test
    void largeOutputsAreCutIntoBatchesBelowTheMessageLimit() {
        final List<OutputRecord> outputs = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            outputs.add(out(0, 200 * 1024));
        }
        final OutputPlan plan = plan(0, outputs, OutputSequences.fresh(1, 2));
        assertEquals(List.of(0, 3), plan.batches().stream().map(OutputPlan.Batch::baseSequence).toList());
        assertEquals(List.of(3, 2), plan.batches().stream().map(b -> b.payloads().size()).toList());
        assertEquals(5, plan.after().next()[0]);
    }

    @Test
    void aPartitionNotWrittenBeforeStartsAtSequenceZero() {
        final OutputSequences stored = OutputSequences.decode("eos1 9 2:40 0:5", 2).orElseThrow();
        final OutputPlan plan = plan(1, List.of(out(0, 1)), stored);   // out-a: partition 1 now, 2 before
        assertEquals(0, plan.batches().get(0).baseSequence());
        assertEquals("eos1 9 1:1 0:5", plan.after().encode());
    }

    @Test
    void aBatchCutFromASequenceKeepsTheRest() {
        final OutputPlan.Batch batch = plan(0, List.of(out(0, 1), out(0, 2), out(0, 3)),
                OutputSequences.decode("eos1 5 0:10 -1:0", 2).orElseThrow()).batches().get(0);
        final OutputPlan.Batch rest = batch.from(11);
        assertEquals(11, rest.baseSequence());
        assertEquals(12, rest.lastSequence());
        assertEquals(2, rest.payloads().get(0).length);
    }

    @Test
    void anOutputTopicThatIsGoneFailsThePlan() {
        assertThrows(IllegalStateException.class, () -> OutputPlan.plan(List.of("gone"), 0, List.of(out(0, 1)),
                OutputSequences.fresh(1, 1), t -> 0));
    }

    @Test
    void metadataOfAnotherShapeIsNotTakenForSequences() {
        assertEquals(Optional.empty(), OutputSequences.decode(null, 1));
        assertEquals(Optional.empty(), OutputSequences.decode("", 1));
        assertEquals(Optional.empty(), OutputSequences.decode("eos1 5 0:1", 2), "the outputs changed");
        assertEquals(Optional.empty(), OutputSequences.decode("eos1 x 0:1", 1));
        assertEquals(Optional.empty(), OutputSequences.decode("eos1 5 0:-3", 1));
        assertTrue(OutputSequences.decode(OutputSequences.fresh(3, 8).encode(), 8).isPresent());
    }
}
