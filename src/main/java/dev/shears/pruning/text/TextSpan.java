package dev.shears.pruning.text;

public record TextSpan(int start, int contentEnd, int end, SpanKind kind) {
    public String text(String source) {
        return source.substring(start, end);
    }

    public String content(String source) {
        return source.substring(start, contentEnd);
    }

    public int length() {
        return end - start;
    }
}
