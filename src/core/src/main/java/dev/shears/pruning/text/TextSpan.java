package dev.shears.pruning.text;

import java.util.Objects;

/**
 * One sentence-like unit of a source text, addressed by offsets (UTF-16 indices) into that text.
 *
 * <p>{@code [start, end)} is the whole span including its trailing whitespace; {@code [start, contentEnd)}
 * is the content without that whitespace tail. Invariant: {@code 0 <= start <= contentEnd <= end}.
 *
 * @param start      inclusive start offset
 * @param contentEnd exclusive end of the content, i.e. the start of the trailing whitespace
 * @param end        exclusive end of the span, including trailing whitespace
 * @param kind       the structural role of the span, never null
 */
public record TextSpan(int start, int contentEnd, int end, SpanKind kind) {

    public TextSpan {
        Objects.requireNonNull(kind, "kind");
        if (start < 0 || contentEnd < start || end < contentEnd) {
            throw new IllegalArgumentException(
                    "expected 0 <= start <= contentEnd <= end but got " + start + ", " + contentEnd + ", " + end);
        }
    }

    /** The whole span, trailing whitespace included. */
    public String text(String source) {
        return source.substring(start, end);
    }

    /** The span without its trailing whitespace. */
    public String content(String source) {
        return source.substring(start, contentEnd);
    }

    /** Length of the whole span in UTF-16 units, trailing whitespace included. */
    public int length() {
        return end - start;
    }
}
