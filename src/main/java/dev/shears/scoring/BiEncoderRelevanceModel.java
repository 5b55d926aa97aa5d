package dev.shears.scoring;

import dev.shears.cache.EmbeddingCache;
import dev.shears.pruning.DocumentScores;
import dev.shears.pruning.RelevanceModel;
import dev.shears.pruning.SimilarityHead;
import dev.shears.pruning.SplitDocument;
import dev.shears.pruning.StageClock;
import dev.shears.runtime.EncoderModel;
import dev.shears.runtime.ModelLoadException;
import dev.shears.runtime.ModelManifest;
import java.util.ArrayList;
import java.util.List;

/**
 * Sentence relevance from a bi-encoder: the query and every sentence (prefixed with its document's title,
 * when there is one, for context) are embedded in length-sorted batches; cosine similarities go through the
 * model's {@link SimilarityHead} to become keep-probabilities.
 */
public final class BiEncoderRelevanceModel implements RelevanceModel {

    public static final String STAGE_TOKENIZE = "tokenization";
    private static final String QUERY = "\u0000query";

    private final EncoderModel encoder;
    private final SequenceEmbedder embedder;
    private final SimilarityHead head;
    private final double defaultThreshold;
    private final EmbeddingCache cache;

    public BiEncoderRelevanceModel(EncoderModel encoder, SimilarityHead head, double defaultThreshold, EmbeddingCache cache) {
        this(encoder, SequenceEmbedder.direct(encoder), head, defaultThreshold, cache);
    }

    public BiEncoderRelevanceModel(EncoderModel encoder, SequenceEmbedder embedder, SimilarityHead head, double defaultThreshold,
            EmbeddingCache cache) {
        this.encoder = encoder;
        this.embedder = embedder;
        this.head = head;
        this.defaultThreshold = defaultThreshold;
        this.cache = cache;
    }

    /** Uses the head and threshold declared in the encoder's manifest, running the encoder directly. */
    public static BiEncoderRelevanceModel fromManifest(EncoderModel encoder, EmbeddingCache cache) {
        return fromManifest(encoder, SequenceEmbedder.direct(encoder), cache);
    }

    /** Uses the head and threshold declared in the encoder's manifest. */
    public static BiEncoderRelevanceModel fromManifest(EncoderModel encoder, SequenceEmbedder embedder, EmbeddingCache cache) {
        ModelManifest.SentenceHead spec = encoder.manifest().sentenceHead();
        if (spec == null || spec.weights() == null) {
            throw new ModelLoadException("model '" + encoder.manifest().id() + "' has no 'sentence_head' in its"
                    + " manifest; fit one with the fit-head command (see models/README.md)");
        }
        SimilarityHead head = new SimilarityHead(spec.weights().stream().mapToDouble(Double::doubleValue).toArray(), spec.bias());
        return new BiEncoderRelevanceModel(encoder, embedder, head, spec.defaultThreshold(), cache);
    }

    @Override
    public String id() {
        return encoder.manifest().id();
    }

    @Override
    public double defaultThreshold() {
        return defaultThreshold;
    }

    @Override
    public int countTokens(String text) {
        return encoder.tokenizer().count(text);
    }

    @Override
    public List<DocumentScores> score(String query, List<SplitDocument> documents, StageClock clock) {
        int[][] tokens = clock.time(STAGE_TOKENIZE, () -> tokenCounts(documents));
        List<double[]> cosines = cosines(query, documents, clock);
        List<DocumentScores> out = new ArrayList<>(documents.size());
        for (int d = 0; d < documents.size(); d++) {
            SplitDocument doc = documents.get(d);
            int[] lengths = doc.sentences().stream().mapToInt(s -> s.contentEnd() - s.start()).toArray();
            double[] p = doc.size() == 0 ? new double[0] : head.probabilities(cosines.get(d), lengths);
            out.add(new DocumentScores(p, tokens[d]));
        }
        return out;
    }

    /** Tokens of every sentence's content (no title, no special tokens), per document, in one tokenizer call. */
    private int[][] tokenCounts(List<SplitDocument> documents) {
        List<String> contents = new ArrayList<>();
        for (SplitDocument doc : documents) {
            for (int i = 0; i < doc.size(); i++) {
                contents.add(doc.sentence(i));
            }
        }
        List<long[]> ids = encoder.tokenizer().ids(contents);
        int[][] out = new int[documents.size()][];
        int at = 0;
        for (int d = 0; d < documents.size(); d++) {
            out[d] = new int[documents.get(d).size()];
            for (int i = 0; i < out[d].length; i++) {
                out[d][i] = ids.get(at++).length;
            }
        }
        return out;
    }

    /**
     * Cosine similarity of the query to every sentence, per document: the head's raw input, also used to fit
     * the head. The query and all uncached documents are embedded together in length-sorted batches; the
     * encoder's outputs do not depend on batch composition, so a document's scores depend only on it and the
     * query, cached or not.
     */
    public List<double[]> cosines(String query, List<SplitDocument> documents, StageClock clock) {
        List<EmbeddingCache.Unit> units = new ArrayList<>(documents.size() + 1);
        units.add(new EmbeddingCache.Unit(QUERY, query, List.of(query)));
        for (SplitDocument doc : documents) {
            String title = doc.document().hasTitle() ? doc.document().title().strip() : "";
            String prefix = title.isEmpty() ? "" : title + ". ";
            List<String> inputs = new ArrayList<>(doc.size());
            for (int i = 0; i < doc.size(); i++) {
                inputs.add(prefix + doc.sentence(i));
            }
            units.add(new EmbeddingCache.Unit(title, doc.document().text(), inputs));
        }
        List<float[][]> vectors = cache == null
                ? embed(units, clock)
                : cache.getAll(encoder.checksum(), units, misses -> embed(misses, clock));
        float[] q = vectors.get(0)[0];
        List<double[]> out = new ArrayList<>(documents.size());
        for (int d = 0; d < documents.size(); d++) {
            float[][] sentences = vectors.get(d + 1);
            double[] c = new double[sentences.length];
            for (int i = 0; i < c.length; i++) {
                c[i] = dot(q, sentences[i]);
            }
            out.add(c);
        }
        return out;
    }

    /** Embeds every unit's inputs in one call (one set of length-sorted batches) and splits them back per unit. */
    private List<float[][]> embed(List<EmbeddingCache.Unit> units, StageClock clock) {
        List<long[]> all = clock.time(STAGE_TOKENIZE, () -> encoder.tokenize(units.stream()
                .flatMap(u -> u.inputs().stream())
                .toList()));
        float[][] flat = all.isEmpty() ? new float[0][] : embedder.embed(all, clock);
        List<float[][]> out = new ArrayList<>(units.size());
        int at = 0;
        for (EmbeddingCache.Unit u : units) {
            out.add(java.util.Arrays.copyOfRange(flat, at, at + u.inputs().size()));
            at += u.inputs().size();
        }
        return out;
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
