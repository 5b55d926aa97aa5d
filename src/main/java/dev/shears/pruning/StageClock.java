package dev.shears.pruning;

import java.util.function.Supplier;

/** Times named stages of a request (split, tokenization, inference, selection) for metrics and headers. */
public interface StageClock {

    StageClock NONE = new StageClock() {
        @Override
        public <T> T time(String stage, Supplier<T> work) {
            return work.get();
        }
    };

    <T> T time(String stage, Supplier<T> work);

    default void time(String stage, Runnable work) {
        time(stage, () -> {
            work.run();
            return null;
        });
    }
}
