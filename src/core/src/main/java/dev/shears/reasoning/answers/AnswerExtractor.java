package dev.shears.reasoning.answers;

import java.util.Optional;

/** Finds a path's final answer in its text; empty when there is none. Never throws on odd text. */
public interface AnswerExtractor {

    /** The final answer found in {@code text} (null counts as no text), cleaned of delimiters and trailing punctuation. */
    Optional<String> extract(String text);

    /** The name {@link AnswerExtractors#named} knows this extractor by ({@code regex:<pattern>} for a pattern). */
    String name();
}
