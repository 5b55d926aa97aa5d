package dev.shears.pruning;

import dev.shears.pruning.text.Junk;
import dev.shears.pruning.text.SpanKind;
import dev.shears.pruning.text.TextSpan;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Decides which sentences survive: threshold (a {@link Junk} sentence never passes it), then top-N documents, then
 * a request-wide token cap (best sentences first, ties broken by position so the result is deterministic), then
 * structure that rides along with what was kept: a kept table row keeps its table's header and separator rows, a
 * kept list item keeps the sentence that leads into the list (one ending in ':'), and, when asked, a kept sentence
 * keeps its document's title. A pure function of its inputs.
 */
final class SentenceSelector {

    private SentenceSelector() {}

    /** Returns {@code kept[d][s]} for document d, sentence s. */
    static boolean[][] select(List<SplitDocument> docs, List<DocumentScores> scores, PruningOptions options,
            double threshold, int[] ranks) {
        boolean[][] kept = new boolean[docs.size()][];
        for (int d = 0; d < docs.size(); d++) {
            double[] s = scores.get(d).sentenceScores();
            kept[d] = new boolean[s.length];
            boolean inTopN = options.topN() == null || ranks[d] < options.topN();
            SplitDocument doc = docs.get(d);
            for (int i = 0; i < s.length && inTopN; i++) {
                kept[d][i] = s[i] >= threshold && !Junk.isJunk(doc.sentence(i), doc.sentences().get(i).kind());
            }
        }
        Integer budget = tokenCap(scores, options);
        if (budget != null) {
            applyCap(kept, scores, budget);
        }
        for (int d = 0; d < docs.size(); d++) {
            keepStructure(docs.get(d), kept[d]);
            if (options.alwaysKeepTitle()) {
                keepTitle(docs.get(d), kept[d]);
            }
        }
        return kept;
    }

    private static Integer tokenCap(List<DocumentScores> scores, PruningOptions options) {
        if (options.tokenBudget() != null) {
            return options.tokenBudget();
        }
        if (options.targetRatio() != null) {
            long total = 0;
            for (DocumentScores s : scores) {
                for (int t : s.sentenceTokens()) {
                    total += t;
                }
            }
            return (int) Math.floor(total * options.targetRatio());
        }
        return null;
    }

    private record Candidate(int doc, int sentence, double score, int tokens) {}

    private static void applyCap(boolean[][] kept, List<DocumentScores> scores, int budget) {
        List<Candidate> candidates = new ArrayList<>();
        for (int d = 0; d < kept.length; d++) {
            for (int i = 0; i < kept[d].length; i++) {
                if (kept[d][i]) {
                    DocumentScores s = scores.get(d);
                    candidates.add(new Candidate(d, i, s.sentenceScores()[i], s.sentenceTokens()[i]));
                    kept[d][i] = false;
                }
            }
        }
        candidates.sort(Comparator.comparingDouble(Candidate::score).reversed()
                .thenComparingInt(Candidate::doc)
                .thenComparingInt(Candidate::sentence));
        int used = 0;
        for (Candidate c : candidates) {
            if (used + c.tokens() <= budget) {
                kept[c.doc()][c.sentence()] = true;
                used += c.tokens();
            }
        }
    }

    /** Table header and separator rows of kept rows, and lead-ins of kept list items. */
    static void keepStructure(SplitDocument doc, boolean[] kept) {
        List<TextSpan> spans = doc.sentences();
        boolean[] structure = new boolean[kept.length];
        int first = 0; // first span of the current table or list: a table ends at a blank line, a list at a non-item
        for (int i = 0; i < kept.length; i++) {
            SpanKind kind = spans.get(i).kind();
            boolean continues = i > 0 && spans.get(i - 1).kind() == kind
                    && (kind == SpanKind.LIST_ITEM || adjacent(doc, i - 1));
            if (!continues) {
                first = i;
            }
            if (!kept[i]) {
                continue;
            }
            if (kind == SpanKind.TABLE_ROW) {
                structure[first] = true;
                if (first + 1 < i && isSeparatorRow(doc.sentence(first + 1))) {
                    structure[first + 1] = true;
                }
            } else if (kind == SpanKind.LIST_ITEM && first > 0 && doc.sentence(first - 1).endsWith(":")) {
                structure[first - 1] = true;
            }
        }
        for (int i = 0; i < kept.length; i++) {
            kept[i] |= structure[i];
        }
    }

    /** Span {@code i} and the next are in the same block: no blank line between them. */
    private static boolean adjacent(SplitDocument doc, int i) {
        TextSpan span = doc.sentences().get(i);
        String gap = doc.document().text().substring(span.contentEnd(), span.end());
        return gap.chars().filter(c -> c == '\n').count() < 2;
    }

    private static boolean isSeparatorRow(String row) {
        return row.matches("\\s*\\|?(\\s*:?-{1,}:?\\s*\\|)+\\s*(:?-{1,}:?\\s*)?");
    }

    /** The title (a leading heading, or the first sentence of an untitled document) rides along with any kept sentence. */
    private static void keepTitle(SplitDocument doc, boolean[] kept) {
        if (kept.length < 2) {
            return;
        }
        boolean titleLike = doc.sentences().get(0).kind() == SpanKind.HEADING || !doc.document().hasTitle();
        if (!titleLike) {
            return;
        }
        for (int i = 1; i < kept.length; i++) {
            if (kept[i]) {
                kept[0] = true;
                return;
            }
        }
    }
}
