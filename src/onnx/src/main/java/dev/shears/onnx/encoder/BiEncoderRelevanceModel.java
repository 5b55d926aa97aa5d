package dev.shears.onnx.encoder;

import dev.shears.onnx.encoder.EmbeddingCache;
import dev.shears.pruning.DocumentScores;
import dev.shears.pruning.RelevanceModel;
import dev.shears.pruning.SimilarityHead;
import dev.shears.pruning.SplitDocument;
import dev.shears.pruning.StageClock;
import dev.shears.onnx.encoder.EncoderModel;
import dev.shears.onnx.ModelLoadException;
import dev.shears.onnx.ModelManifest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Sentence relevance from a bi-encoder: the query and every sentence (prefixed with its document's title,
 * when there is one, for context) are embedded; cosine similarities go through the model's
 * {@link SimilarityHead} to become keep-probabilities.
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
        Tokens tokens = clock.time(STAGE_TOKENIZE, () -> tokenize(query, documents));
        List<double[]> cosines = cosines(query, tokens, documents, clock);
        List<DocumentScores> out = new ArrayList<>(documents.size());
        for (int d = 0; d < documents.size(); d++) {
            SplitDocument doc = documents.get(d);
            int[] lengths = doc.sentences().stream().mapToInt(s -> s.contentEnd() - s.start()).toArray();
            double[] p = doc.size() == 0 ? new double[0] : head.probabilities(cosines.get(d), lengths);
            int[] counts = tokens.sentences().get(d).stream().mapToInt(ids -> ids.length).toArray();
            out.add(new DocumentScores(p, counts));
        }
        return out;
    }

    /**
     * Cosine similarity of the query to every sentence, per document: the head's raw input, also used to fit
     * the head.
     */
    public List<double[]> cosines(String query, List<SplitDocument> documents, StageClock clock) {
        return cosines(query, clock.time(STAGE_TOKENIZE, () -> tokenize(query, documents)), documents, clock);
    }

    /**
     * Token ids of the query, of each document's title prefix ("Title.") and of each sentence (content only:
     * its length is the sentence's token count), all in one tokenizer call. A sentence's model input is the
     * prefix's ids followed by its own, which is exactly the tokenization of "Title. sentence" for BERT
     * tokenizers (they split at spaces first; tested), so no text is tokenized twice.
     */
    private record Tokens(long[] query, List<long[]> prefixes, List<List<long[]>> sentences) {}

    private Tokens tokenize(String query, List<SplitDocument> documents) {
        List<String> texts = new ArrayList<>();
        texts.add(query);
        for (SplitDocument doc : documents) {
            String title = title(doc);
            texts.add(title.isEmpty() ? "" : title + ".");
            for (int i = 0; i < doc.size(); i++) {
                texts.add(doc.sentence(i));
            }
        }
        List<long[]> ids = encoder.tokenizer().ids(texts);
        int at = 1;
        List<long[]> prefixes = new ArrayList<>(documents.size());
        List<List<long[]>> sentences = new ArrayList<>(documents.size());
        for (SplitDocument doc : documents) {
            prefixes.add(ids.get(at++));
            sentences.add(ids.subList(at, at + doc.size()));
            at += doc.size();
        }
        return new Tokens(ids.get(0), prefixes, sentences);
    }

    /**
     * The query and all uncached documents are embedded together; the encoder's outputs do not depend on
     * batch composition, so a document's scores depend only on it and the query, cached or not.
     */
    private List<double[]> cosines(String query, Tokens tokens, List<SplitDocument> documents, StageClock clock) {
        List<EmbeddingCache.Unit> units = new ArrayList<>(documents.size() + 1);
        units.add(new EmbeddingCache.Unit(QUERY, query, List.of(encoder.withSpecialTokens(tokens.query()))));
        for (int d = 0; d < documents.size(); d++) {
            SplitDocument doc = documents.get(d);
            long[] prefix = tokens.prefixes().get(d);
            List<long[]> inputs = new ArrayList<>(doc.size());
            for (long[] sentence : tokens.sentences().get(d)) {
                inputs.add(encoder.withSpecialTokens(prefix, sentence));
            }
            units.add(new EmbeddingCache.Unit(title(doc), doc.document().text(), inputs));
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
                c[i] = Vectors.dot(q, sentences[i]);
            }
            out.add(c);
        }
        return out;
    }

    private static String title(SplitDocument doc) {
        return doc.document().hasTitle() ? doc.document().title().strip() : "";
    }

    /** Embeds every unit's inputs in one call (so they share the runners) and splits them back per unit. */
    private List<float[][]> embed(List<EmbeddingCache.Unit> units, StageClock clock) {
        List<long[]> all = units.stream().flatMap(u -> u.inputs().stream()).toList();
        float[][] flat = all.isEmpty() ? new float[0][] : embedder.embed(all, clock);
        List<float[][]> out = new ArrayList<>(units.size());
        int at = 0;
        for (EmbeddingCache.Unit u : units) {
            out.add(Arrays.copyOfRange(flat, at, at + u.inputs().size()));
            at += u.inputs().size();
        }
        return out;
    }
}
