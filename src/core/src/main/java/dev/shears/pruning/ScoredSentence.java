package dev.shears.pruning;

import dev.shears.pruning.text.SpanKind;

/** One sentence of a document with its character span [start, end) in the document text and its verdict. */
public record ScoredSentence(int start, int end, String text, SpanKind kind, double score, int tokens, boolean kept) {}
