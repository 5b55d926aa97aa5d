package dev.shears.pruning;

import java.util.function.Supplier;

/**
 * One request's context as seen by the algorithms: times named stages (split, tokenization, queue, inference,
 * selection) for metrics and headers, and says when nobody waits for the answer any more.
 */
public interface StageClock {

    StageClock NONE = new StageClock() {
        @Override
        public <T> T time(String stage, Supplier<T> work) {
            return work.get();
        }
    };

    <T> T time(String stage, Supplier<T> work);

    /** Records time measured elsewhere (for example by a batch queue on another thread). */
    default void record(String stage, long nanos) {}

    /** True once the client has gone: work not yet started can be skipped. */
    default boolean abandoned() {
        return false;
    }

    default void time(String stage, Runnable work) {
        time(stage, () -> {
            work.run();
            return null;
        });
    }
}
