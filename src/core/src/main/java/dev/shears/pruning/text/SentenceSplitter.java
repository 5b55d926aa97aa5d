package dev.shears.pruning.text;

import java.util.List;

/**
 * Splits a text into sentence-like {@link TextSpan}s that can be kept or dropped independently.
 *
 * <p>Contract for every input string:
 * <ul>
 *   <li>The spans tile the text: the first starts at 0, each starts where the previous ends, the last ends at
 *       {@code text.length()}, so concatenating {@link TextSpan#text} of all spans yields the input exactly.
 *       Leading whitespace of the whole text belongs to the first span's content.</li>
 *   <li>Empty or whitespace-only text yields an empty list.</li>
 *   <li>A span's content has no trailing whitespace and, except for the first span, no leading whitespace;
 *       its tail {@code [contentEnd, end)} is whitespace only.</li>
 *   <li>The result is deterministic and implementations never throw for a non-null string.</li>
 * </ul>
 */
public interface SentenceSplitter {

    /**
     * @param text the text to split, not null
     * @return the spans in text order; empty when the text is empty or whitespace only
     */
    List<TextSpan> split(String text);
}
