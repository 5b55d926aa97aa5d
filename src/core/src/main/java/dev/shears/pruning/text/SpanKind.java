package dev.shears.pruning.text;

/** The structural role of a {@link TextSpan}, as recognised from lightweight Markdown cues. */
public enum SpanKind {
    /** A sentence (or a length-limited piece of one) from an ordinary paragraph. */
    PROSE,
    /** An ATX heading line such as {@code # Title}. */
    HEADING,
    /** A bullet or numbered list item, or a later sentence of the same item. */
    LIST_ITEM,
    /** One pipe-table line, including separator rows such as {@code |---|---|}. */
    TABLE_ROW,
    /** A whole fenced code block, fences included; never split. */
    CODE_BLOCK
}
