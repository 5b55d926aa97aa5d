package dev.shears.onnx.encoder;

import dev.shears.inference.BatchQueue;
import dev.shears.pruning.StageClock;
import dev.shears.onnx.encoder.EncoderModel;
import java.time.Duration;
import java.util.List;

/** Runs tokenized sequences through an encoder: directly, or through a batch queue shared by all requests. */
@FunctionalInterface
public interface SequenceEmbedder {

    String STAGE_QUEUE = "queue";
    String STAGE_INFERENCE = "inference";

    float[][] embed(List<long[]> sequences, StageClock clock);

    /** In the caller's thread, batched within the call only (offline commands, tests). */
    static SequenceEmbedder direct(EncoderModel encoder) {
        return (sequences, clock) -> clock.time(STAGE_INFERENCE, () -> encoder.embed(sequences));
    }

    /** Through a batch queue; queue wait and inference time are recorded as separate stages. */
    static SequenceEmbedder queued(BatchQueue queue, Duration timeout) {
        return (sequences, clock) -> {
            BatchQueue.Result result = queue.submit(sequences, timeout, clock::abandoned);
            clock.record(STAGE_QUEUE, result.queueNanos());
            clock.record(STAGE_INFERENCE, result.inferenceNanos());
            return result.vectors();
        };
    }
}
