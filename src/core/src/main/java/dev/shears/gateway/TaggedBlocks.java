package dev.shears.gateway;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Blocks of a text marked with XML-like tags, the way RAG prompts mark retrieved documents
 * ({@code <document>…</document>}, {@code <context id="3">…</context>}) and reasoning models mark their thinking
 * ({@code <think>…</think>}). Tag names match case-insensitively, an opening tag may carry attributes, blocks do not
 * nest (the first closing tag of the same name ends a block), and an unclosed tag is not a block.
 */
public final class TaggedBlocks {

    /** One block: {@code start}/{@code end} span the tags too, {@code contentStart}/{@code contentEnd} only the inside. */
    public record Block(String tag, int start, int end, int contentStart, int contentEnd) {
        public String content(String text) {
            return text.substring(contentStart, contentEnd);
        }
    }

    private final Pattern pattern;

    public TaggedBlocks(Collection<String> tags) {
        if (tags.isEmpty() || tags.stream().anyMatch(t -> !t.matches("[A-Za-z][A-Za-z0-9_.-]*"))) {
            throw new IllegalArgumentException("tag names must be non-empty XML names, got " + tags);
        }
        String names = tags.stream().map(Pattern::quote).collect(Collectors.joining("|"));
        pattern = Pattern.compile("<(" + names + ")(?:\\s[^<>]*)?>(.*?)</\\1\\s*>", Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    }

    /** The blocks of {@code text}, in order. */
    public List<Block> find(String text) {
        List<Block> out = new ArrayList<>();
        Matcher m = pattern.matcher(text);
        while (m.find()) {
            out.add(new Block(m.group(1), m.start(), m.end(), m.start(2), m.end(2)));
        }
        return out;
    }

    /** {@code text} with every block's content replaced by {@code replace} of it; tags and the rest stay. */
    public String replaceContents(String text, UnaryOperator<String> replace) {
        return rebuild(text, b -> text.substring(b.start(), b.contentStart()) + replace.apply(b.content(text))
                + text.substring(b.contentEnd(), b.end()));
    }

    /** {@code text} without its blocks (tags included). */
    public String remove(String text) {
        return rebuild(text, b -> "");
    }

    private String rebuild(String text, java.util.function.Function<Block, String> block) {
        StringBuilder out = new StringBuilder(text.length());
        int at = 0;
        for (Block b : find(text)) {
            out.append(text, at, b.start()).append(block.apply(b));
            at = b.end();
        }
        return out.append(text, at, text.length()).toString();
    }
}
