package dev.shears.onnx.ngram;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shears.lm.Completion;
import dev.shears.lm.LanguageModel;
import dev.shears.lm.LanguageModelException;
import dev.shears.lm.LanguageModelException.Kind;
import dev.shears.lm.SamplingRequest;
import dev.shears.lm.ScoredText;
import dev.shears.lm.ScoringRequest;
import dev.shears.lm.TokenLogProb;
import dev.shears.onnx.ModelLoadException;
import dev.shears.onnx.ModelLocation;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;

/**
 * A word-trigram {@link LanguageModel} that only scores: Shears' embedded default scorer (CMU Sphinx US-English
 * trigram, see {@code models/README.md}). Tokens are words and numbers as {@link WordTokenizer} cuts them; each
 * token's log-prob is {@code ln P(w | two previous words)} with back-off, a sentence starting from {@code <s>}
 * ({@code </s>} is never scored). A number is scored as its spoken words ({@link NumberWords}), its log-prob the
 * sum. A word the model does not know (its vocabulary has no {@code <unk>}) gets the rarest word's unigram
 * probability, backed off from its context, id -1, and is no context for the next word (which is then scored from
 * its unigram, the one after from the bigram). Immutable after load and thread-safe.
 */
public final class NgramLanguageModel implements LanguageModel {

    public static final String ID = "cmusphinx-en-us-trigram";
    public static final String MANIFEST_RESOURCE = "models/" + ID + "/manifest.json";

    private static final Logger LOG = Logger.getLogger(NgramLanguageModel.class.getName());

    private final TrigramTrie trie;
    private final String id;
    private final String sha256;
    private final int sentenceStart;

    private NgramLanguageModel(TrigramTrie trie, String id, String sha256) {
        this.trie = trie;
        this.id = id;
        this.sha256 = sha256;
        this.sentenceStart = trie.wordId(TrigramTrie.SENTENCE_START);
    }

    /**
     * The embedded model: {@code en-us.lm.bin} from the {@code sphinx4-data} jar on the classpath, checked against
     * the sha256 of {@code models/cmusphinx-en-us-trigram/manifest.json}.
     *
     * @throws LanguageModelException MODEL_LOAD_FAILED when the manifest or file is missing, the checksum differs
     *     (naming the file) or the file cannot be read as a trigram trie
     */
    public static NgramLanguageModel embedded() {
        JsonNode file;
        try (InputStream in = resource(MANIFEST_RESOURCE)) {
            file = new ObjectMapper().readTree(in).path("files").path("model");
        } catch (IOException e) {
            throw loadFailed("cannot read " + MANIFEST_RESOURCE + ": " + e.getMessage(), e);
        }
        String path = file.path("path").asText("");
        String sha = file.path("sha256").asText("");
        if (path.isBlank() || sha.isBlank()) {
            throw loadFailed(MANIFEST_RESOURCE + " names no model file with its sha256", null);
        }
        byte[] bytes;
        try (InputStream in = resource(path)) {
            long size = file.path("bytes").asLong(-1);
            bytes = size > 0 && size < Integer.MAX_VALUE ? in.readNBytes((int) size) : in.readAllBytes();
            if (in.read() >= 0) {
                throw loadFailed("classpath:" + path + " is longer than the " + size + " bytes its manifest says", null);
            }
        } catch (IOException e) {
            throw loadFailed("cannot read classpath:" + path + ": " + e.getMessage(), e);
        }
        return load(bytes, "classpath:" + path, sha, ID);
    }

    /**
     * A model file in the same format (any sphinxbase trigram trie); its id is the file name.
     *
     * @param sha256 the file's expected sha256, or null to load it unverified (its sha256 is logged to pin it)
     * @throws LanguageModelException MODEL_LOAD_FAILED as {@link #embedded()}
     */
    public static NgramLanguageModel fromFile(Path file, String sha256) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw loadFailed("cannot read '" + file + "': " + e.getMessage(), e);
        }
        return load(bytes, "'" + file + "'", sha256, file.getFileName().toString());
    }

    private static NgramLanguageModel load(byte[] bytes, String source, String expectedSha256, String id) {
        String actual = ModelLocation.sha256(bytes);
        if (expectedSha256 == null) {
            LOG.warning("n-gram model " + source + " loaded unverified; its sha256 is " + actual);
        } else if (!expectedSha256.equalsIgnoreCase(actual)) {
            throw loadFailed("sha256 mismatch for " + source + ": expected " + expectedSha256 + ", file has " + actual,
                    null);
        }
        try {
            return new NgramLanguageModel(TrigramTrie.parse(bytes), id, actual);
        } catch (IllegalArgumentException e) {
            throw loadFailed("cannot read " + source + " as a trigram model: " + e.getMessage(), e);
        }
    }

    @Override
    public List<ScoredText> score(List<ScoringRequest> batch) {
        List<ScoredText> out = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            ScoringRequest r = batch.get(i);
            if (r.continuation().isEmpty()) {
                throw new LanguageModelException(Kind.EMPTY_INPUT, "request " + i + ": continuation is empty, "
                        + "nothing to score");
            }
            out.add(score(r.prompt(), r.continuation()));
        }
        return out;
    }

    /**
     * Tokens of {@code continuation} conditioned on the last words of {@code prompt} (an empty prompt, or one
     * ending a sentence, leaves {@code <s>} as context). A continuation without words or digits has no tokens.
     */
    private ScoredText score(String prompt, String continuation) {
        int boundary = prompt.length();
        List<TokenLogProb> tokens = new ArrayList<>();
        int u = -1;
        int v = sentenceStart;
        for (WordTokenizer.Token t : WordTokenizer.tokenize(prompt + continuation, boundary)) {
            if (t.sentenceStart()) {
                u = -1;
                v = sentenceStart;
            }
            double logProb = 0;
            int w = -1;
            for (String word : t.words()) {
                w = trie.wordId(word);
                logProb += trie.ln(u, v, w);
                u = v;
                v = w;
            }
            if (t.start() >= boundary) {
                int start = t.start() - boundary;
                int end = t.end() - boundary;
                tokens.add(new TokenLogProb(t.number() ? -1 : w, continuation.substring(start, end), start, end,
                        logProb));
            }
        }
        return new ScoredText(tokens);
    }

    /** Always refuses: a word trigram scores text but cannot generate it. */
    @Override
    public List<Completion> sample(SamplingRequest r) {
        throw new LanguageModelException(Kind.UNSUPPORTED_MODE, "model '" + id + "' is a word-trigram scorer and "
                + "cannot generate text; configure a generative model (shears.lm.location or shears.lm.remote.url)");
    }

    /** Words and numbers in {@code text}, as {@link #score} would report them. */
    @Override
    public int countTokens(String text) {
        return WordTokenizer.tokenize(text, text.length()).size();
    }

    /** No limit: only the last two words condition a token, so any length is scored. */
    @Override
    public int contextLength() {
        return Integer.MAX_VALUE;
    }

    @Override
    public String id() {
        return id;
    }

    /** sha256 of the model file that was loaded. */
    public String sha256() {
        return sha256;
    }

    /** The underlying trie (vocabulary ids, raw back-off probabilities). */
    public TrigramTrie trie() {
        return trie;
    }

    /** Holds no resources beyond heap memory. */
    @Override
    public void close() {}

    private static InputStream resource(String name) throws IOException {
        InputStream in = Thread.currentThread().getContextClassLoader() == null ? null
                : Thread.currentThread().getContextClassLoader().getResourceAsStream(name);
        if (in == null) {
            in = NgramLanguageModel.class.getClassLoader().getResourceAsStream(name);
        }
        if (in == null) {
            throw new IOException("classpath resource '" + name + "' not found (is net.sf.phat:sphinx4-data on the"
                    + " classpath?)");
        }
        return in;
    }

    private static LanguageModelException loadFailed(String message, Throwable cause) {
        return new LanguageModelException(Kind.MODEL_LOAD_FAILED, "cannot load n-gram model: " + message,
                new ModelLoadException(message, cause));
    }
}
