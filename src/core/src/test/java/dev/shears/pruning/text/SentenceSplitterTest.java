package dev.shears.pruning.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SentenceSplitterTest {

    private final DefaultSentenceSplitter splitter = new DefaultSentenceSplitter();

    /** Splits, checks the contract and returns the span contents. */
    private List<String> sentences(String text) {
        return sentences(splitter, text);
    }

    private static List<String> sentences(DefaultSentenceSplitter splitter, String text) {
        List<TextSpan> spans = splitter.split(text);
        SplitterAssertions.assertContract(text, spans, splitter.maxSentenceChars());
        return spans.stream().map(span -> span.content(text)).toList();
    }

    /** "KIND: content" per span, to check kinds and contents in one assertion. */
    private List<String> kindsAndContents(String text) {
        List<TextSpan> spans = splitter.split(text);
        SplitterAssertions.assertContract(text, spans, splitter.maxSentenceChars());
        return spans.stream().map(span -> span.kind() + ": " + span.content(text)).toList();
    }

    @Nested
    class EdgeInputs {

        @ParameterizedTest
        @ValueSource(strings = {"", " ", "\n\n", " \t\r\n\u2028\u00A0\u3000"})
        void emptyOrWhitespaceOnlyTextGivesNoSpans(String text) {
            assertEquals(List.of(), splitter.split(text));
        }

        @Test
        void leadingWhitespaceBelongsToTheFirstSpanAndTrailingToTheLast() {
            String text = "  \n Hello there. Bye now.  \n";
            List<TextSpan> spans = splitter.split(text);
            SplitterAssertions.assertContract(text, spans, splitter.maxSentenceChars());
            assertEquals(List.of("  \n Hello there.", "Bye now."),
                    spans.stream().map(s -> s.content(text)).toList());
            assertEquals("Bye now.  \n", spans.get(1).text(text));
            assertEquals(spans.get(1).length(), spans.get(1).text(text).length());
        }

        @Test
        void oddCharactersNeverThrow() {
            String text = "a\uD800 b. \uDC00C\u0000. \r\nD\u2028E.\u0085F? \uD83D\uDE00 G!\r";
            sentences(text);
        }

        @Test
        void nullIsRejected() {
            assertThrows(NullPointerException.class, () -> splitter.split(null));
        }

        @Test
        void tooSmallLimitIsRejected() {
            assertThrows(IllegalArgumentException.class, () -> new DefaultSentenceSplitter(1));
        }

        @Test
        void spanRejectsInconsistentOffsets() {
            assertThrows(IllegalArgumentException.class, () -> new TextSpan(3, 2, 4, SpanKind.PROSE));
        }
    }

    @Nested
    class EnglishProse {

        @Test
        void splitsOrdinarySentences() {
            assertEquals(List.of("It rained.", "Was it cold?", "Yes!"), sentences("It rained. Was it cold? Yes!"));
        }

        @Test
        void doesNotSplitAfterAbbreviations() {
            assertEquals(List.of(
                            "Mr. Smith met Dr. Jones at St. Mary's.",
                            "They talked, e.g. about the U.S. Army and No. 5 vs. No. 6.",
                            "Fig. 3 shows it, i.e. the loss.",
                            "Acme Inc. announced results in Jan. 2024.",
                            "It rained."),
                    sentences("Mr. Smith met Dr. Jones at St. Mary's. They talked, e.g. about the U.S. Army and"
                            + " No. 5 vs. No. 6. Fig. 3 shows it, i.e. the loss. Acme Inc. announced results in"
                            + " Jan. 2024. It rained."));
        }

        @Test
        void etcMidSentenceStaysButEndsASentenceBeforeACapital() {
            assertEquals(List.of("Apples, pears, etc. are fruit.", "We buy apples, pears, etc.", "Then we eat."),
                    sentences("Apples, pears, etc. are fruit. We buy apples, pears, etc. Then we eat."));
        }

        @Test
        void doesNotSplitInitials() {
            assertEquals(List.of("J. R. R. Tolkien wrote it.", "So did C.S. Lewis."),
                    sentences("J. R. R. Tolkien wrote it. So did C.S. Lewis."));
        }

        @Test
        void doesNotSplitNumbersVersionsOrEllipses() {
            assertEquals(List.of(
                            "Pi is 3.14 and it cost $1.5 million.",
                            "Use v1.2.3 now.",
                            "I was thinking... maybe not.",
                            "Done."),
                    sentences("Pi is 3.14 and it cost $1.5 million. Use v1.2.3 now. I was thinking... maybe not."
                            + " Done."));
        }

        @Test
        void doesNotSplitUrlsEmailsOrFileNames() {
            assertEquals(List.of(
                            "See https://example.com/a.b?c=d.",
                            "Mail john.doe@example.com today.",
                            "Edit config.yaml first.",
                            "Then restart."),
                    sentences("See https://example.com/a.b?c=d. Mail john.doe@example.com today."
                            + " Edit config.yaml first. Then restart."));
        }

        @Test
        void closingQuoteStaysWithItsSentence() {
            assertEquals(List.of("He said, \"Stop.\"", "Then he left."),
                    sentences("He said, \"Stop.\" Then he left."));
            assertEquals(List.of("She asked (quietly.)", "Nobody answered."),
                    sentences("She asked (quietly.) Nobody answered."));
        }
    }

    @Nested
    class Newlines {

        @Test
        void singleNewlineInsideAParagraphDoesNotSplit() {
            assertEquals(List.of("First line of a paragraph\ncontinues here.", "Second one."),
                    sentences("First line of a paragraph\ncontinues here. Second one."));
        }

        @Test
        void blankLineAlwaysEndsASentence() {
            assertEquals(List.of("A heading without a period", "Body text.", "More text.", "Tail"),
                    sentences("A heading without a period\n\nBody text. More text.\r\n\r\nTail"));
        }

        @Test
        void windowsAndUnicodeLineBreaksAreSoftWrapsToo() {
            assertEquals(List.of("One\r\ntwo\u2028three.", "Four."), sentences("One\r\ntwo\u2028three. Four."));
        }
    }

    @Nested
    class Markdown {

        @Test
        void headingsAreTheirOwnSpans() {
            assertEquals(List.of("HEADING: # Title", "PROSE: Text right below.", "HEADING: ## Sub. Title",
                            "PROSE: #hashtag is prose."),
                    kindsAndContents("# Title\nText right below.\n## Sub. Title\n#hashtag is prose."));
        }

        @Test
        void listItemsStartNewUnitsAndMaySplitIntoSentences() {
            assertEquals(List.of(
                            "PROSE: Shopping:",
                            "LIST_ITEM: - milk.",
                            "LIST_ITEM: Fresh only.",
                            "LIST_ITEM: * eggs",
                            "LIST_ITEM: + bread\n  from the bakery",
                            "LIST_ITEM: • tea",
                            "LIST_ITEM: 1. First",
                            "LIST_ITEM: 2) Second",
                            "LIST_ITEM: a) Alpha",
                            "PROSE: ---"),
                    kindsAndContents("Shopping:\n- milk. Fresh only.\n* eggs\n+ bread\n  from the bakery\n• tea\n"
                            + "1. First\n2) Second\na) Alpha\n\n---"));
        }

        @Test
        void tableRowsAreOneSpanEach() {
            assertEquals(List.of("TABLE_ROW: | a. | b |", "TABLE_ROW: |---|---|", "TABLE_ROW: | 1 | 2. Two |"),
                    kindsAndContents("| a. | b |\n|---|---|\n| 1 | 2. Two |\n"));
        }

        @Test
        void fencedCodeBlockIsOneSpanEvenWithBlankLines() {
            String code = "```python\nx = 1. \n\n# not a heading\n- not a list\n```";
            assertEquals(List.of("PROSE: Before.", "CODE_BLOCK: " + code, "PROSE: After."),
                    kindsAndContents("Before.\n" + code + "\nAfter."));
        }

        @Test
        void tildeFenceNeedsAMatchingClosingFence() {
            String code = "~~~~\na\n```\n~~~\nb\n~~~~";
            assertEquals(List.of("CODE_BLOCK: " + code, "PROSE: After."), kindsAndContents(code + "\n\nAfter."));
        }

        @Test
        void unclosedFenceRunsToTheEndOfText() {
            assertEquals(List.of("PROSE: Intro.", "CODE_BLOCK: ```\nleft open. Still code.\n\nMore."),
                    kindsAndContents("Intro.\n```\nleft open. Still code.\n\nMore.\n\n"));
        }

        @Test
        void inlineTripleBackticksAreNotAFence() {
            assertEquals(List.of("PROSE: ```inline``` code.", "PROSE: Next."),
                    kindsAndContents("```inline``` code. Next."));
        }

        @Test
        void codeBlockIsNeverCutEvenAboveTheLimit() {
            DefaultSentenceSplitter small = new DefaultSentenceSplitter(20);
            String code = "```\n" + "x = 1; ".repeat(20) + "\n```";
            List<TextSpan> spans = small.split(code + "\nok");
            SplitterAssertions.assertContract(code + "\nok", spans, 20);
            assertEquals(2, spans.size());
            assertEquals(code, spans.get(0).content(code + "\nok"));
        }

        @Test
        void mixedDocument() {
            String doc = """
                    # Shears

                    Shears prunes context. It keeps what matters,
                    e.g. the answer.

                    ## Install
                    1. Add the dependency.
                    2. Configure it. Then run.

                    | key | value |
                    |-----|-------|
                    | max | 1200 |

                    ```yaml
                    shears:
                      max: 1200
                    ```
                    Done. Enjoy!
                    """;
            assertEquals(List.of(
                    "HEADING: # Shears",
                    "PROSE: Shears prunes context.",
                    "PROSE: It keeps what matters,\ne.g. the answer.",
                    "HEADING: ## Install",
                    "LIST_ITEM: 1. Add the dependency.",
                    "LIST_ITEM: 2. Configure it.",
                    "LIST_ITEM: Then run.",
                    "TABLE_ROW: | key | value |",
                    "TABLE_ROW: |-----|-------|",
                    "TABLE_ROW: | max | 1200 |",
                    "CODE_BLOCK: ```yaml\nshears:\n  max: 1200\n```",
                    "PROSE: Done.",
                    "PROSE: Enjoy!"), kindsAndContents(doc));
        }
    }

    @Nested
    class Cjk {

        @Test
        void japaneseWithoutSpaces() {
            assertEquals(List.of("今日は晴れです。", "明日は雨でしょう！", "本当ですか？", "「はい。」", "と彼は言った。"),
                    sentences("今日は晴れです。明日は雨でしょう！本当ですか？「はい。」と彼は言った。"));
        }

        @Test
        void chineseWithoutSpacesIncludingFullWidthStop() {
            assertEquals(List.of("我们今天去公园。", "天气很好！", "你来吗？", "好的．", "价格是３．１４元。"),
                    sentences("我们今天去公园。天气很好！你来吗？好的．价格是３．１４元。"));
        }

        @Test
        void closingBracketsStayWithTheSentence() {
            assertEquals(List.of("『走れ。』", "（終わり。）", "次。"), sentences("『走れ。』（終わり。）次。"));
        }

        @Test
        void asciiTerminatorsInsideCjkText() {
            assertEquals(List.of("本当?", "はい!", "行こう。"), sentences("本当?はい!行こう。"));
        }

        @Test
        void mixedEnglishAndJapanese() {
            assertEquals(List.of("This is English.", "これは日本語です。", "Back to English."),
                    sentences("This is English. これは日本語です。Back to English."));
        }
    }

    @Nested
    class LengthLimit {

        private final DefaultSentenceSplitter small = new DefaultSentenceSplitter(20);

        @Test
        void cutsAtTheLastNewlineFirst() {
            assertEquals(List.of("aaaa bbbb. cccc", "dddd eeee ffff gggg", "hhhh"),
                    sentences(small, "aaaa bbbb. cccc\ndddd eeee ffff gggg hhhh"));
        }

        @Test
        void thenAtTheLastClausePunctuation() {
            assertEquals(List.of("alpha beta; gamma:", "delta epsilon zeta", "eta"),
                    sentences(small, "alpha beta; gamma: delta epsilon zeta eta"));
        }

        @Test
        void thenAtTheLastWhitespace() {
            assertEquals(List.of("aaaa bbbb cccc dddd", "eeee"), sentences(small, "aaaa bbbb cccc dddd eeee"));
        }

        @Test
        void thenHardAtTheLimitButNeverInsideASurrogatePair() {
            assertEquals(List.of("x".repeat(20), "x".repeat(20), "xxxxx"), sentences(small, "x".repeat(45)));
            String emoji = "\uD83D\uDE00";
            String text = "x".repeat(19) + emoji + "y";
            assertEquals(List.of("x".repeat(19), emoji + "y"), sentences(small, text));
        }

        @Test
        void headingsTablesAndListItemsAreCutToo() {
            for (String text : List.of("# " + "head ".repeat(10), "| " + "cell | ".repeat(10),
                    "- " + "item ".repeat(10))) {
                assertTrue(sentences(small, text).size() > 1, text);
            }
        }

        @Test
        @Timeout(10)
        void oneMegabyteRunOnTextSplitsWithinTheLimit() {
            StringBuilder words = new StringBuilder();
            while (words.length() < 1_000_000) {
                words.append("word").append(words.length() % 7).append(' ');
            }
            String text = words.toString();
            List<TextSpan> spans = splitter.split(text);
            SplitterAssertions.assertContract(text, spans, DefaultSentenceSplitter.DEFAULT_MAX_SENTENCE_CHARS);
            assertTrue(spans.size() >= 1_000_000 / 1200);
        }

        @Test
        @Timeout(10)
        void oneMegabyteWithoutAnyWhitespaceIsCutHard() {
            String text = "ab".repeat(500_000);
            List<TextSpan> spans = splitter.split(text);
            SplitterAssertions.assertContract(text, spans, DefaultSentenceSplitter.DEFAULT_MAX_SENTENCE_CHARS);
            assertEquals((1_000_000 + 1199) / 1200, spans.size());
        }
    }

    @Test
    void isThreadSafeAndDeterministic() throws Exception {
        String text = "Mr. Smith met Dr. Jones. 今日は晴れです。明日は雨。\n\n- a. b.\n| x |\n```\ncode\n```\nEnd.";
        List<TextSpan> expected = splitter.split(text);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<List<TextSpan>>> results = IntStream.range(0, 200)
                    .mapToObj(i -> pool.submit(() -> splitter.split(text))).toList();
            for (Future<List<TextSpan>> result : results) {
                assertEquals(expected, result.get(10, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
