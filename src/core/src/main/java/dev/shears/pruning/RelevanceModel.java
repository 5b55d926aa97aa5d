package dev.shears.pruning;

import java.util.List;

/**
 * The SPI that model backends implement: scores every sentence of every document against the query. The
 * pruning logic sees only scores and token counts, never tensors.
 */
public interface RelevanceModel {

    /** Stable model identifier, reported in responses. */
    String id();

    /** The threshold this model's scores were calibrated for. */
    double defaultThreshold();

    /** One {@link DocumentScores} per document, same order, one score per sentence. */
    List<DocumentScores> score(String query, List<SplitDocument> documents, StageClock clock);

    /** Number of model tokens in {@code text} (no special tokens). */
    int countTokens(String text);
}
