package dev.shears.pruning.text;

import java.util.ArrayList;
import java.util.List;

/**
 * Cuts a text into line-based Markdown blocks: paragraphs, headings, list items, table rows and fenced code.
 *
 * <p>Blank lines separate blocks and belong to no block. A paragraph or list item continues over single newlines
 * until a blank line or a line that starts another structure. This is a deliberately small subset of CommonMark:
 * any indentation is accepted before a marker, and indented code, block quotes and tables without a leading
 * pipe are treated as prose.
 */
final class MarkdownBlockScanner {

    /**
     * A run of whole lines.
     *
     * @param start     offset of the first line's first character
     * @param bodyStart where sentence splitting may begin (after a list marker; otherwise {@code start})
     * @param end       offset just past the last line's content, before its line terminator
     * @param kind      what the block is
     */
    record Block(int start, int bodyStart, int end, SpanKind kind) {
    }

    /** One line: {@code [start, end)} without its terminator; {@code next} is where the following line starts. */
    private record Line(int start, int end, int next) {
    }

    List<Block> scan(String text) {
        List<Block> blocks = new ArrayList<>();
        Block open = null; // paragraph or list item that may continue on the next line
        int pos = 0;
        while (pos < text.length()) {
            Line line = readLine(text, pos);
            pos = line.next();
            int indentEnd = Chars.skipWhitespace(text, line.start(), line.end());
            if (indentEnd == line.end()) { // blank line
                open = flush(blocks, open);
                continue;
            }
            int fenceLength = fenceLength(text, indentEnd, line.end());
            if (fenceLength > 0) {
                open = flush(blocks, open);
                Line last = findClosingFence(text, line, text.charAt(indentEnd), fenceLength);
                blocks.add(new Block(line.start(), line.start(), last.end(), SpanKind.CODE_BLOCK));
                pos = last.next();
            } else if (isHeading(text, indentEnd, line.end())) {
                open = flush(blocks, open);
                blocks.add(new Block(line.start(), line.start(), line.end(), SpanKind.HEADING));
            } else if (text.charAt(indentEnd) == '|') {
                open = flush(blocks, open);
                blocks.add(new Block(line.start(), line.start(), line.end(), SpanKind.TABLE_ROW));
            } else {
                int markerEnd = listMarkerEnd(text, indentEnd, line.end());
                if (markerEnd >= 0) {
                    flush(blocks, open);
                    open = new Block(line.start(), markerEnd, line.end(), SpanKind.LIST_ITEM);
                } else if (open != null) { // lazy continuation of a paragraph or list item
                    open = new Block(open.start(), open.bodyStart(), line.end(), open.kind());
                } else {
                    open = new Block(line.start(), line.start(), line.end(), SpanKind.PROSE);
                }
            }
        }
        flush(blocks, open);
        return blocks;
    }

    private static Block flush(List<Block> blocks, Block open) {
        if (open != null) {
            blocks.add(open);
        }
        return null;
    }

    /** Lines end at {@code \n}, {@code \r\n} or a lone {@code \r}. */
    private static Line readLine(String text, int start) {
        int i = start;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '\n') {
                return new Line(start, i, i + 1);
            }
            if (c == '\r') {
                boolean crlf = i + 1 < text.length() && text.charAt(i + 1) == '\n';
                return new Line(start, i, crlf ? i + 2 : i + 1);
            }
            i++;
        }
        return new Line(start, i, i);
    }

    /**
     * Length of the fence run (three or more backticks or tildes) opening at {@code from}, or 0 if the line is
     * not a fence. A backtick fence's info string may not contain backticks, so inline code is not a fence.
     */
    private static int fenceLength(String text, int from, int lineEnd) {
        char c = text.charAt(from);
        if (c != '`' && c != '~') {
            return 0;
        }
        int runEnd = from;
        while (runEnd < lineEnd && text.charAt(runEnd) == c) {
            runEnd++;
        }
        int length = runEnd - from;
        if (length < 3) {
            return 0;
        }
        if (c == '`' && containsChar(text, runEnd, lineEnd, '`')) {
            return 0;
        }
        return length;
    }

    /** The closing fence line, or the last line of the text when the fence is never closed. */
    private static Line findClosingFence(String text, Line opening, char fenceChar, int openingLength) {
        Line last = opening;
        int pos = opening.next();
        while (pos < text.length()) {
            Line line = readLine(text, pos);
            last = line;
            pos = line.next();
            if (isClosingFence(text, line, fenceChar, openingLength)) {
                return line;
            }
        }
        return last;
    }

    private static boolean isClosingFence(String text, Line line, char fenceChar, int openingLength) {
        int i = Chars.skipWhitespace(text, line.start(), line.end());
        int runStart = i;
        while (i < line.end() && text.charAt(i) == fenceChar) {
            i++;
        }
        return i - runStart >= openingLength && Chars.skipWhitespace(text, i, line.end()) == line.end();
    }

    /** One to six {@code #} followed by a space, a tab or the end of the line. */
    private static boolean isHeading(String text, int from, int lineEnd) {
        int i = from;
        while (i < lineEnd && text.charAt(i) == '#') {
            i++;
        }
        int level = i - from;
        return level >= 1 && level <= 6 && (i == lineEnd || isSpaceOrTab(text.charAt(i)));
    }

    /**
     * Offset just past a list marker and the blanks after it, or -1. Markers: {@code - * + •}, one to nine
     * digits followed by {@code .} or {@code )}, or a single ASCII letter followed by {@code )}.
     */
    private static int listMarkerEnd(String text, int from, int lineEnd) {
        char c = text.charAt(from);
        int afterMarker;
        if (c == '-' || c == '*' || c == '+' || c == '•') {
            afterMarker = from + 1;
        } else if (isAsciiDigit(c)) {
            int i = from;
            while (i < lineEnd && isAsciiDigit(text.charAt(i))) {
                i++;
            }
            boolean delimited = i - from <= 9 && i < lineEnd && (text.charAt(i) == '.' || text.charAt(i) == ')');
            afterMarker = delimited ? i + 1 : -1;
        } else if (isAsciiLetter(c) && from + 1 < lineEnd && text.charAt(from + 1) == ')') {
            afterMarker = from + 2;
        } else {
            afterMarker = -1;
        }
        if (afterMarker < 0 || afterMarker >= lineEnd || !isSpaceOrTab(text.charAt(afterMarker))) {
            return -1;
        }
        int bodyStart = afterMarker;
        while (bodyStart < lineEnd && isSpaceOrTab(text.charAt(bodyStart))) {
            bodyStart++;
        }
        return bodyStart;
    }

    private static boolean containsChar(String text, int from, int to, char wanted) {
        for (int i = from; i < to; i++) {
            if (text.charAt(i) == wanted) {
                return true;
            }
        }
        return false;
    }

    private static boolean isSpaceOrTab(char c) {
        return c == ' ' || c == '\t';
    }

    private static boolean isAsciiDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isAsciiLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }
}
