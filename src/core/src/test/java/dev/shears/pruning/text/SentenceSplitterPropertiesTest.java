package dev.shears.pruning.text;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.StringLength;

/** Fuzzes the splitter: the contract must hold for any string and any sensible limit. */
class SentenceSplitterPropertiesTest {

    private static final List<String> TOKENS = List.of(
            "word", "Word", "the", "Mr.", "Dr.", "e.g.", "U.S.", "J.", "3.14", "v1.2.3", "etc.", "...",
            ".", "?", "!", ";", ":", ",", "\"", "'", "(", ")", " ", " ", " ", "  ", "\t", "\n", "\n", "\n\n",
            "\r\n", "\u2028", "\u00A0", "# ", "## ", "- ", "* ", "+ ", "• ", "1. ", "2) ", "a) ", "| ", " |",
            "|---|", "```", "```java", "~~~", "今日は", "晴れ", "。", "！", "？", "．", "「", "」", "』", "）",
            "https://example.com/a.b?c=d", "john.doe@example.com", "config.yaml", "\uD83D\uDE00", "\uD800",
            "\uDC00", "\u0000", "\u0085", "\u3000", "x".repeat(40));

    @Property(tries = 1000)
    void contractHoldsForArbitraryStrings(@ForAll @StringLength(max = 300) String text,
                                          @ForAll @IntRange(min = 2, max = 60) int maxChars) {
        checkContractAndDeterminism(text, maxChars);
    }

    @Property(tries = 1000)
    void contractHoldsForMarkdownLikeText(@ForAll("markdownLike") String text,
                                          @ForAll @IntRange(min = 2, max = 80) int maxChars) {
        checkContractAndDeterminism(text, maxChars);
    }

    @Property(tries = 200)
    void contractHoldsWithTheDefaultLimit(@ForAll("markdownLike") String text) {
        checkContractAndDeterminism(text, DefaultSentenceSplitter.DEFAULT_MAX_SENTENCE_CHARS);
    }

    @Provide
    Arbitrary<String> markdownLike() {
        return Arbitraries.of(TOKENS).list().ofMaxSize(120).map(tokens -> String.join("", tokens));
    }

    private static void checkContractAndDeterminism(String text, int maxChars) {
        DefaultSentenceSplitter splitter = new DefaultSentenceSplitter(maxChars);
        List<TextSpan> spans = splitter.split(text);
        SplitterAssertions.assertContract(text, spans, maxChars);
        assertEquals(spans, splitter.split(text), "splitting twice gives the same spans");
    }
}
