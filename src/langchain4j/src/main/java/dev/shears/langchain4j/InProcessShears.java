package dev.shears.langchain4j;

import dev.shears.client.ShearsClient;
import dev.shears.onnx.encoder.EncoderModel;
import dev.shears.onnx.encoder.OfflineModels;
import dev.shears.onnx.ngram.NgramLanguageModel;
import dev.shears.pruning.ContextPruner;
import dev.shears.pruning.Document;
import dev.shears.pruning.DocumentScores;
import dev.shears.pruning.PrunedDocument;
import dev.shears.pruning.PruningOptions;
import dev.shears.pruning.PruningResult;
import dev.shears.pruning.StageClock;
import dev.shears.reasoning.PrunedReasoning;
import dev.shears.reasoning.ReasoningInput;
import dev.shears.reasoning.ReasoningOptions;
import dev.shears.reasoning.ReasoningPruner;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Shears without a server: the core's {@link ContextPruner} over the embedded default model on ONNX Runtime, opened
 * as the server opens it ({@link OfflineModels}), and the core's {@link ReasoningPruner} over the embedded word
 * trigram (the server's default scorer). Answers in the REST API's shapes, with its rounding and 1-based ranks, so
 * both modes prune alike. Needs {@code dev.shears:shears-onnx} on the class path.
 */
final class InProcessShears implements ShearsBackend {

    private final EncoderModel encoder;
    private final ContextPruner pruner;
    private volatile ReasoningPruner reasoning;

    InProcessShears(String modelLocation) {
        this.encoder = OfflineModels.encoder(modelLocation);
        this.pruner = OfflineModels.pruner(encoder);
    }

    /** The trigram (27 MB) is loaded on first use, so chains that only aggregate content never pay for it. */
    private ReasoningPruner reasoning() {
        ReasoningPruner r = reasoning;
        if (r == null) {
            synchronized (this) {
                if (reasoning == null) {
                    reasoning = new ReasoningPruner(NgramLanguageModel.embedded());
                }
                r = reasoning;
            }
        }
        return r;
    }

    @Override
    public ShearsClient.PruneResult prune(ShearsClient.PruneRequest r) {
        PruningOptions options = new PruningOptions(r.threshold(), r.topN(), Boolean.TRUE.equals(r.alwaysKeepTitle()),
                r.targetRatio(), r.tokenBudget());
        PruningResult result = pruner.prune(r.query(), documents(r.documents()), options);
        List<ShearsClient.PrunedPassage> passages = result.documents().stream().map(InProcessShears::passage).toList();
        ShearsClient.Totals totals = new ShearsClient.Totals(passages.size(), result.tokensBefore(), result.tokensAfter(),
                result.tokensBefore() - result.tokensAfter(), round(result.compression()));
        return new ShearsClient.PruneResult(result.model(), result.threshold(), passages, totals);
    }

    /** As the server ranks: a document scores its best sentence; ties keep input order. */
    @Override
    public List<ShearsClient.Ranked> rerank(String query, List<String> texts) {
        List<DocumentScores> scores = pruner.score(query, texts.stream().map(Document::of).toList(), StageClock.NONE);
        return IntStream.range(0, scores.size())
                .mapToObj(i -> new ShearsClient.Ranked(i, round(scores.get(i).bestSentenceWithin(Integer.MAX_VALUE))))
                .sorted(Comparator.comparingDouble(ShearsClient.Ranked::relevanceScore).reversed())
                .toList();
    }

    @Override
    public ShearsClient.PrunedReasoning pruneReasoning(ShearsClient.ReasoningRequest r) {
        PrunedReasoning p = reasoning().prune(ReasoningInput.of(r.question(), r.reasoning()).withAnswer(r.answer()),
                new ReasoningOptions(r.keepRatio(), r.maxTokens(), ReasoningOptions.Mode.GLOBAL, false));
        return new ShearsClient.PrunedReasoning(p.prunedReasoning(), p.tokensBefore(), p.tokensAfter(), p.budget(), p.scorer());
    }

    @Override
    public void close() {
        encoder.close();
    }

    private static List<Document> documents(List<ShearsClient.Passage> passages) {
        return IntStream.range(0, passages.size()).mapToObj(i -> {
            ShearsClient.Passage p = passages.get(i);
            return new Document(p.id(), p.title(), p.text());
        }).toList();
    }

    private static ShearsClient.PrunedPassage passage(PrunedDocument d) {
        return new ShearsClient.PrunedPassage(d.index(), d.id(), round(d.relevanceScore()), d.rank() + 1, d.prunedText(),
                round(d.compression()), d.tokensBefore(), d.tokensAfter(), null, List.of());
    }

    /** The REST API's six decimals. */
    private static double round(double x) {
        return Math.round(x * 1e6) / 1e6;
    }
}
