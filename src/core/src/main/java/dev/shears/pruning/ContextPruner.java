package dev.shears.pruning;

import dev.shears.pruning.text.SentenceSplitter;
import dev.shears.pruning.text.TextSpan;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Query-aware context pruning: split each document into sentences, let a {@link RelevanceModel} score them,
 * keep the sentences that matter and cut the document down to them. Deterministic: the same input gives the
 * same output. Thread-safe when the splitter and model are.
 */
public final class ContextPruner {

    public static final String STAGE_SPLIT = "split";
    public static final String STAGE_SELECT = "select";

    private final SentenceSplitter splitter;
    private final RelevanceModel model;

    public ContextPruner(SentenceSplitter splitter, RelevanceModel model) {
        this.splitter = splitter;
        this.model = model;
    }

    public RelevanceModel model() {
        return model;
    }

    public PruningResult prune(String query, List<Document> documents, PruningOptions options) {
        return prune(query, documents, options, StageClock.NONE);
    }

    public PruningResult prune(String query, List<Document> documents, PruningOptions options, StageClock clock) {
        List<SplitDocument> split = split(documents, clock);
        List<DocumentScores> scores = scoreSplit(query, split, clock);
        double threshold = options.threshold() != null ? options.threshold() : model.defaultThreshold();
        return clock.time(STAGE_SELECT, () -> assemble(split, scores, options, threshold));
    }

    /** Every document's sentence scores, in input order, with nothing selected (reranking). */
    public List<DocumentScores> score(String query, List<Document> documents, StageClock clock) {
        return scoreSplit(query, split(documents, clock), clock);
    }

    private List<SplitDocument> split(List<Document> documents, StageClock clock) {
        return clock.time(STAGE_SPLIT, () -> documents.stream()
                .map(d -> new SplitDocument(d, splitter.split(d.text())))
                .toList());
    }

    private List<DocumentScores> scoreSplit(String query, List<SplitDocument> split, StageClock clock) {
        List<DocumentScores> scores = model.score(query, split, clock);
        if (scores.size() != split.size()) {
            throw new IllegalStateException("model returned " + scores.size() + " score sets for " + split.size()
                    + " documents, this is a bug");
        }
        return scores;
    }

    private PruningResult assemble(List<SplitDocument> split, List<DocumentScores> scores, PruningOptions options,
            double threshold) {
        int[] ranks = ranks(scores);
        boolean[][] kept = SentenceSelector.select(split, scores, options, threshold, ranks);
        List<PrunedDocument> out = new ArrayList<>(split.size());
        for (int d = 0; d < split.size(); d++) {
            out.add(toPruned(d, split.get(d), scores.get(d), kept[d], ranks[d]));
        }
        return new PruningResult(model.id(), threshold, out);
    }

    private static PrunedDocument toPruned(int index, SplitDocument doc, DocumentScores scores, boolean[] kept, int rank) {
        String text = doc.document().text();
        StringBuilder pruned = new StringBuilder();
        List<ScoredSentence> sentences = new ArrayList<>(doc.size());
        int tokensBefore = 0;
        int tokensAfter = 0;
        int lastContentEnd = 0;
        for (int i = 0; i < doc.size(); i++) {
            TextSpan span = doc.sentences().get(i);
            int tokens = scores.sentenceTokens()[i];
            tokensBefore += tokens;
            if (kept[i]) {
                pruned.append(text, span.start(), span.end());
                lastContentEnd = pruned.length() - (span.end() - span.contentEnd());
                tokensAfter += tokens;
            }
            sentences.add(new ScoredSentence(span.start(), span.contentEnd(), span.content(text), span.kind(),
                    scores.sentenceScores()[i], tokens, kept[i]));
        }
        pruned.setLength(lastContentEnd);
        return new PrunedDocument(index, doc.document().id(), scores.relevance(), rank, pruned.toString(), sentences,
                text.length(), pruned.length(), tokensBefore, tokensAfter);
    }

    /** 0-based rank of each document by relevance, ties broken by input order. */
    private static int[] ranks(List<DocumentScores> scores) {
        Integer[] order = new Integer[scores.size()];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, Comparator.<Integer>comparingDouble(i -> -scores.get(i).relevance()).thenComparingInt(i -> i));
        int[] ranks = new int[order.length];
        for (int r = 0; r < order.length; r++) {
            ranks[order[r]] = r;
        }
        return ranks;
    }
}
