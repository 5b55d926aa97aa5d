package dev.shears.onnx.provence;

import dev.shears.pruning.DocumentScores;
import dev.shears.pruning.RelevanceModel;
import dev.shears.pruning.SplitDocument;
import dev.shears.pruning.StageClock;
import dev.shears.pruning.provence.PassageScores;
import dev.shears.pruning.provence.ProvenceScorer;
import dev.shears.pruning.provence.ScoreScale;
import dev.shears.pruning.provence.SentenceAlignment;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A Provence-style model behind the {@link RelevanceModel} SPI, so {@code ContextPruner} and the REST layer
 * use it unchanged. Per document: a document title (when given) becomes a prefix title sentence
 * ({@code title + "\n"}), scored but never emitted; the sentences of the splitter are tokenized one by one
 * ({@link SentenceAlignment}), packed into blocks with the query in each, scored by the dual-head model, and
 * rounded with the model's rule. A sentence's score is its critical threshold just below which it is kept,
 * lowered by one ulp so that the pruner's {@code score >= T} equals the rule's strict {@code T < t*}. The
 * document relevance is the max-over-blocks rank logit on the model's score scale.
 */
public final class ProvenceRelevanceModel implements RelevanceModel {

    public static final String STAGE_TOKENIZE = "tokenization";
    public static final String STAGE_INFERENCE = "inference";

    private final String id;
    private final ProvenceScorer scorer;
    private final Function<String, long[]> tokenize;
    private final ScoreScale scale;
    private final double defaultThreshold;

    public ProvenceRelevanceModel(String id, ProvenceScorer scorer, Function<String, long[]> tokenize, ScoreScale scale,
            double defaultThreshold) {
        this.id = id;
        this.scorer = scorer;
        this.tokenize = tokenize;
        this.scale = scale;
        this.defaultThreshold = defaultThreshold;
    }

    /** Uses the model's packer, rounding, scale and default threshold as its manifest declares them. */
    public static ProvenceRelevanceModel of(OnnxProvenceModel model) {
        return new ProvenceRelevanceModel(model.manifest().id(), new ProvenceScorer(model, model.packer(), model.rounding()),
                model::tokenize, model.scoreScale(), model.defaultThreshold());
    }

    /** The sentences a document is scored as: the title sentence first when the document has a title. */
    public static List<String> scoredSentences(String title, List<String> sentences) {
        List<String> out = new ArrayList<>(sentences.size() + 1);
        if (title != null && !title.isBlank()) {
            out.add(title.strip() + "\n");
        }
        out.addAll(sentences);
        return out;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public double defaultThreshold() {
        return defaultThreshold;
    }

    @Override
    public int countTokens(String text) {
        return text.isEmpty() ? 0 : tokenize.apply(text).length;
    }

    @Override
    public List<DocumentScores> score(String query, List<SplitDocument> documents, StageClock clock) {
        long[] queryIds = clock.time(STAGE_TOKENIZE, () -> tokenize.apply(query));
        List<ProvenceScorer.Passage> passages = clock.time(STAGE_TOKENIZE, () -> documents.stream().map(doc -> {
            List<String> sentences = new ArrayList<>(doc.size());
            for (int i = 0; i < doc.size(); i++) {
                sentences.add(doc.sentence(i));
            }
            boolean titled = doc.document().hasTitle();
            return new ProvenceScorer.Passage(SentenceAlignment.of(scoredSentences(doc.document().title(), sentences), tokenize),
                    titled);
        }).toList());
        List<PassageScores> scored = clock.time(STAGE_INFERENCE, () -> scorer.score(queryIds, passages));
        List<DocumentScores> out = new ArrayList<>(documents.size());
        for (int d = 0; d < documents.size(); d++) {
            PassageScores s = scored.get(d);
            int skip = passages.get(d).titleFirst() ? 1 : 0;
            int n = s.size() - skip;
            double[] scores = new double[n];
            int[] tokens = new int[n];
            for (int i = 0; i < n; i++) {
                scores[i] = Math.max(0, Math.min(1, Math.nextDown(s.sentenceScores()[i + skip])));
                tokens[i] = passages.get(d).sentences().length(i + skip);
            }
            out.add(new DocumentScores(scores, tokens, s.relevance(scale, null)));
        }
        return out;
    }
}
