package dev.shears.pruning.text;

import com.ibm.icu.text.BreakIterator;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Markdown-aware sentence splitter for English and CJK text, built on ICU4J.
 *
 * <p>Fulfils the {@link SentenceSplitter} contract (spans tile the text; empty or whitespace-only text gives an
 * empty list; never throws for a non-null string) and in addition:
 * <ul>
 *   <li>A blank line always ends a span; inside a paragraph a single newline does not.</li>
 *   <li>Heading lines ({@code # Title}) and pipe-table lines are one span each ({@link SpanKind#HEADING},
 *       {@link SpanKind#TABLE_ROW}). List items ({@code - * + •}, {@code 1.}, {@code 2)}, {@code a)}) start a new
 *       {@link SpanKind#LIST_ITEM} span and may be split into several sentences, all of that kind.</li>
 *   <li>A fenced code block (backticks or tildes, up to the matching closing fence or the end of the text) is
 *       exactly one {@link SpanKind#CODE_BLOCK} span and is never split.</li>
 *   <li>Prose is split with ICU's English sentence rules; breaks after abbreviations, initials and inside
 *       URLs, e-mail addresses and file names are suppressed. CJK text splits after 。！？．
 *       with no following space; closing quotes and brackets stay with their sentence.</li>
 *   <li>No span's content is longer than {@code maxSentenceChars}, except a {@code CODE_BLOCK} span and the
 *       leading whitespace of the whole text (it belongs to the first span but is not counted). Longer content
 *       is cut as described in {@link LongSpanCutter}.</li>
 * </ul>
 *
 * <p>Known limitations, accepted for simplicity: a known abbreviation or initial before a capital never ends a
 * sentence ("in the U.S. Then" stays one span), while "etc." before a capital does; Japanese quoted speech
 * such as 「はい。」と言った is split after the closing bracket; setext headings, block quotes, HTML and tables
 * without a leading pipe are prose; a line starting with "2019. " is read as a list item; a hard cut at the
 * limit respects surrogate pairs but not combining marks.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class DefaultSentenceSplitter implements SentenceSplitter {

    public static final int DEFAULT_MAX_SENTENCE_CHARS = 1200;

    private final int maxSentenceChars;
    private final MarkdownBlockScanner blockScanner = new MarkdownBlockScanner();
    private final ProseSentenceSplitter proseSplitter = new ProseSentenceSplitter();
    private final LongSpanCutter longSpanCutter;

    public DefaultSentenceSplitter() {
        this(DEFAULT_MAX_SENTENCE_CHARS);
    }

    /**
     * @param maxSentenceChars the most UTF-16 units a span's content may have; at least 2
     * @throws IllegalArgumentException if {@code maxSentenceChars < 2}
     */
    public DefaultSentenceSplitter(int maxSentenceChars) {
        this.longSpanCutter = new LongSpanCutter(maxSentenceChars);
        this.maxSentenceChars = maxSentenceChars;
    }

    public int maxSentenceChars() {
        return maxSentenceChars;
    }

    /**
     * @throws NullPointerException if {@code text} is null
     */
    @Override
    public List<TextSpan> split(String text) {
        Objects.requireNonNull(text, "text");
        List<Integer> starts = new ArrayList<>();
        List<SpanKind> kinds = new ArrayList<>();
        BreakIterator iterator = proseSplitter.newIterator();
        for (MarkdownBlockScanner.Block block : blockScanner.scan(text)) {
            addBlockStarts(text, block, iterator, starts, kinds);
        }
        return toSpans(text, starts, kinds);
    }

    /** Adds the start of every span in the block: sentences first, then cuts of over-long sentences. */
    private void addBlockStarts(String text, MarkdownBlockScanner.Block block, BreakIterator iterator,
                                List<Integer> starts, List<SpanKind> kinds) {
        SpanKind kind = block.kind();
        List<Integer> sentenceStarts = new ArrayList<>();
        sentenceStarts.add(Chars.skipWhitespace(text, block.start(), block.end()));
        if (kind == SpanKind.PROSE || kind == SpanKind.LIST_ITEM) {
            // For list items the search starts after the marker so that "1. First" stays together.
            proseSplitter.addSentenceStarts(text, block.bodyStart(), block.end(), iterator, sentenceStarts);
        }
        int previous = -1;
        for (int i = 0; i < sentenceStarts.size(); i++) {
            int sentenceStart = sentenceStarts.get(i);
            if (sentenceStart <= previous) {
                continue; // a break inside the block's indentation, or two breaks in one whitespace run
            }
            previous = sentenceStart;
            int sentenceEnd = nextGreater(sentenceStarts, i, block.end());
            starts.add(sentenceStart);
            kinds.add(kind);
            if (kind != SpanKind.CODE_BLOCK) {
                int sizeBefore = starts.size();
                int contentEnd = Chars.trimTrailingWhitespace(text, sentenceStart, sentenceEnd);
                longSpanCutter.addCuts(text, sentenceStart, contentEnd, starts);
                for (int added = sizeBefore; added < starts.size(); added++) {
                    kinds.add(kind);
                }
            }
        }
    }

    /** The first value after index {@code i} that is greater than the value at {@code i}, else {@code fallback}. */
    private static int nextGreater(List<Integer> values, int i, int fallback) {
        for (int j = i + 1; j < values.size(); j++) {
            if (values.get(j) > values.get(i)) {
                return values.get(j);
            }
        }
        return fallback;
    }

    /** Each span runs from its start to the next span's start; its whitespace tail is trimmed off the content. */
    private static List<TextSpan> toSpans(String text, List<Integer> starts, List<SpanKind> kinds) {
        List<TextSpan> spans = new ArrayList<>(starts.size());
        for (int i = 0; i < starts.size(); i++) {
            int start = i == 0 ? 0 : starts.get(i);
            int end = i + 1 < starts.size() ? starts.get(i + 1) : text.length();
            int contentEnd = Chars.trimTrailingWhitespace(text, start, end);
            spans.add(new TextSpan(start, contentEnd, end, kinds.get(i)));
        }
        return List.copyOf(spans);
    }
}
