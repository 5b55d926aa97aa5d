package dev.shears.pruning.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

/** The {@link SentenceSplitter} contract as one reusable check, shared by example and property tests. */
final class SplitterAssertions {

    private SplitterAssertions() {
    }

    static void assertContract(String text, List<TextSpan> spans, int maxSentenceChars) {
        if (text.chars().allMatch(c -> Chars.isWhitespace((char) c))) {
            assertTrue(spans.isEmpty(), "whitespace-only text gives no spans");
            return;
        }
        assertTrue(!spans.isEmpty(), "non-blank text gives spans");
        assertEquals(0, spans.get(0).start(), "first span starts at 0");
        assertEquals(text.length(), spans.get(spans.size() - 1).end(), "last span ends at the text end");
        StringBuilder joined = new StringBuilder();
        int previousEnd = 0;
        for (int i = 0; i < spans.size(); i++) {
            TextSpan span = spans.get(i);
            assertNotNull(span.kind());
            assertEquals(previousEnd, span.start(), "span " + i + " starts where the previous ended");
            previousEnd = span.end();
            joined.append(span.text(text));
            assertTrue(span.start() < span.contentEnd(), "span " + i + " has content");
            assertTrue(!Chars.isWhitespace(text.charAt(span.contentEnd() - 1)), "no trailing whitespace in content");
            if (i > 0) {
                assertTrue(!Chars.isWhitespace(text.charAt(span.start())), "no leading whitespace in span " + i);
            }
            for (int j = span.contentEnd(); j < span.end(); j++) {
                assertTrue(Chars.isWhitespace(text.charAt(j)), "tail of span " + i + " is whitespace only");
            }
            assertTrue(!Chars.splitsSurrogatePair(text, span.start()), "span " + i + " starts inside a surrogate pair");
            if (span.kind() != SpanKind.CODE_BLOCK) {
                int counted = span.contentEnd() - (i == 0 ? Chars.skipWhitespace(text, 0, text.length()) : span.start());
                assertTrue(counted <= maxSentenceChars,
                        "span " + i + " content has " + counted + " chars, limit " + maxSentenceChars);
            }
        }
        assertEquals(text, joined.toString(), "spans concatenate to the input");
    }
}
