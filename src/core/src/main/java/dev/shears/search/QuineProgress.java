package dev.shears.search;

/** Told after every generation, with the checkpoint to store (so a stopped search can resume from it). */
@FunctionalInterface
public interface QuineProgress {

    void generation(QuineCheckpoint checkpoint, String bestMask, double bestFitness);

    QuineProgress NONE = (c, m, f) -> { };
}
