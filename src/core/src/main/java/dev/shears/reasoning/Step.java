package dev.shears.reasoning;

/**
 * One step of a chain of thought, by UTF-16 offsets into the chain's text: {@code [start, contentEnd)} is the
 * step, {@code [contentEnd, end)} the separator that follows it (blank line, newline), so steps tile the text
 * from the first step on.
 */
public record Step(int start, int contentEnd, int end) {

    public Step {
        if (start < 0 || contentEnd < start || end < contentEnd) {
            throw new IllegalArgumentException("bad step span " + start + ", " + contentEnd + ", " + end);
        }
    }

    public String content(String text) {
        return text.substring(start, contentEnd);
    }

    public String separator(String text) {
        return text.substring(contentEnd, end);
    }
}
