package dev.shears.reasoning;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Cuts a chain of thought into steps with exact spans. As in ASAP, a step is a paragraph (blank lines between
 * steps). Chains written one step per line (GSM8K style: no blank line anywhere) are cut at every line, and so
 * are the items of a list inside a paragraph (an item's indented continuation lines stay with it). Fenced code
 * (``` or ~~~) and display math ($$ ... $$, \[ ... \], \begin{...} ... \end{...}) are never cut inside; each
 * is a step of its own unless it is part of a paragraph.
 */
public final class StepSplitter {

    private static final Pattern LIST_ITEM = Pattern.compile("^\\s{0,3}([-*+•]|\\d{1,3}[.)]|[a-zA-Z][.)]|(?i:step)\\s*\\d+\\s*[:.)])\\s+.*");

    private StepSplitter() {}

    /** The steps of {@code text}, in order; empty for blank text. */
    public static List<Step> split(String text) {
        List<int[]> lines = lines(text);
        boolean anyBlankLine = lines.stream().anyMatch(l -> isBlank(text, l));
        List<int[]> units = new ArrayList<>(); // [start, contentEnd) of each step's content
        int i = 0;
        while (i < lines.size()) {
            int[] line = lines.get(i);
            if (isBlank(text, line)) {
                i++;
                continue;
            }
            int blockEnd = atomicBlockEnd(text, lines, i);
            if (blockEnd >= 0) {
                units.add(new int[] {line[0], lines.get(blockEnd)[1]});
                i = blockEnd + 1;
                continue;
            }
            // a paragraph: consecutive non-blank lines up to a blank line or a fence
            int j = i;
            while (j + 1 < lines.size() && !isBlank(text, lines.get(j + 1)) && atomicBlockEnd(text, lines, j + 1) < 0) {
                j++;
            }
            cutParagraph(text, lines.subList(i, j + 1), !anyBlankLine, units);
            i = j + 1;
        }
        List<Step> steps = new ArrayList<>(units.size());
        for (int k = 0; k < units.size(); k++) {
            int start = units.get(k)[0];
            int contentEnd = trimEnd(text, start, units.get(k)[1]);
            int end = k + 1 < units.size() ? units.get(k + 1)[0] : text.length();
            steps.add(new Step(start, contentEnd, end));
        }
        return steps;
    }

    /** One step per line when the chain has no blank line, else one per paragraph, list items cut apart. */
    private static void cutParagraph(String text, List<int[]> lines, boolean linePerStep, List<int[]> units) {
        int unitStart = firstNonBlank(text, lines.get(0));
        int unitEnd = lines.get(0)[1];
        for (int k = 1; k < lines.size(); k++) {
            int[] line = lines.get(k);
            String content = text.substring(line[0], line[1]);
            boolean continuation = !content.isEmpty() && Character.isWhitespace(content.charAt(0))
                    && LIST_ITEM.matcher(text.substring(unitStart, unitEnd)).matches();
            boolean newStep = !continuation && (linePerStep || LIST_ITEM.matcher(content).matches());
            if (newStep) {
                units.add(new int[] {unitStart, unitEnd});
                unitStart = firstNonBlank(text, line);
            }
            unitEnd = line[1];
        }
        units.add(new int[] {unitStart, unitEnd});
    }

    /** The index of the last line of the fence or math block opening at line {@code i}, or -1 if none opens there. */
    private static int atomicBlockEnd(String text, List<int[]> lines, int i) {
        String first = text.substring(lines.get(i)[0], lines.get(i)[1]).strip();
        String closer;
        if (first.startsWith("```") || first.startsWith("~~~")) {
            closer = first.substring(0, 3);
        } else if (first.startsWith("$$")) {
            if (first.length() > 2 && first.endsWith("$$") && first.length() >= 4) {
                return i; // $$ x $$ on one line
            }
            closer = "$$";
        } else if (first.startsWith("\\[")) {
            if (first.endsWith("\\]")) {
                return i;
            }
            closer = "\\]";
        } else if (first.startsWith("\\begin{")) {
            int close = first.indexOf('}');
            if (close < 0) {
                return -1;
            }
            closer = "\\end{" + first.substring(7, close) + "}";
            if (first.contains(closer)) {
                return i;
            }
        } else {
            return -1;
        }
        for (int k = i + 1; k < lines.size(); k++) {
            String line = text.substring(lines.get(k)[0], lines.get(k)[1]).strip();
            boolean closes = closer.equals("```") || closer.equals("~~~") ? line.startsWith(closer) : line.contains(closer);
            if (closes) {
                return k;
            }
        }
        return lines.size() - 1; // an unclosed block runs to the end
    }

    /** Lines as [start, end) without their line break. */
    private static List<int[]> lines(String text) {
        List<int[]> lines = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\n' || c == '\r') {
                lines.add(new int[] {start, i});
                if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                    i++;
                }
                start = i + 1;
            }
        }
        if (start < text.length()) {
            lines.add(new int[] {start, text.length()});
        }
        return lines;
    }

    private static boolean isBlank(String text, int[] line) {
        return text.substring(line[0], line[1]).isBlank();
    }

    private static int firstNonBlank(String text, int[] line) {
        int i = line[0];
        while (i < line[1] && Character.isWhitespace(text.charAt(i))) {
            i++;
        }
        return i;
    }

    private static int trimEnd(String text, int start, int end) {
        while (end > start && Character.isWhitespace(text.charAt(end - 1))) {
            end--;
        }
        return end;
    }
}
