package dev.shears.onnx.lm;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.shears.lm.Completion;
import dev.shears.lm.LanguageModel;
import dev.shears.lm.LanguageModelException;
import dev.shears.lm.LanguageModelException.Kind;
import dev.shears.lm.SamplingRequest;
import dev.shears.lm.ScoredText;
import dev.shears.lm.ScoringRequest;
import dev.shears.lm.TokenLogProb;
import dev.shears.onnx.ModelDirectory;
import dev.shears.onnx.ModelLoadException;
import dev.shears.onnx.RuntimeOptions;
import dev.shears.onnx.graph.LogitHeads;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * A causal LM run in-process by ONNX Runtime from a Hugging Face Optimum export directory.
 *
 * <p>Files: {@code decoder_model_merged.onnx} (with {@code use_cache_branch}) is used alone when present;
 * otherwise {@code decoder_model.onnx} scores and {@code decoder_with_past_model.onnx} generates with a KV
 * cache (either one alone also works; without a with-past graph generation re-runs the whole sequence each
 * step). {@code config.json} gives the context length, BOS/EOS ids and, if the graph does not fix them, kv heads
 * and head dim; {@code tokenizer.json} is loaded with DJL.
 *
 * <p>Scoring is teacher-forced, one ORT run per batch, left-padded with an attention mask and positions from
 * the mask's cumulative sum. Prompt and continuation are tokenized separately and concatenated. Unless disabled,
 * the graph is edited at load time ({@link LogitHeads}) so only the target log-probs (scoring) or last-position
 * logits (sampling) leave ORT. Sampled tokens report the model's temperature-free log-prob. Thread-safe.
 */
public final class OnnxCausalLm implements LanguageModel {

    private static final System.Logger LOG = System.getLogger(OnnxCausalLm.class.getName());

    private final String id;
    private static final String MERGED = "decoder_model_merged.onnx";
    private static final String PLAIN = "decoder_model.onnx";
    private static final String WITH_PAST = "decoder_with_past_model.onnx";

    private final Map<String, String> checksums;
    private final DecoderSession scorer;
    private final DecoderSession generator;
    private final LmTokenizer tokenizer;
    private final int contextLength;
    private final int bosId;
    private final boolean bosAlways;
    private final boolean bosWhenEmpty;
    private final Set<Integer> eosIds;
    private final long padId;

    private OnnxCausalLm(Path dir, OnnxCausalLmOptions options) throws IOException, OrtException {
        this.id = dir.getFileName().toString();
        ModelDirectory files = ModelDirectory.open(dir);
        for (String json : List.of(CausalLmConfig.CONFIG, CausalLmConfig.GENERATION_CONFIG)) {
            if (Files.exists(dir.resolve(json))) {
                files.verified(json);
            }
        }
        CausalLmConfig cfg = CausalLmConfig.read(dir);
        RuntimeOptions runtime = options.runtime();
        boolean heads = options.inGraphLogProbs();
        boolean hasMerged = Files.exists(dir.resolve(MERGED));
        boolean hasPlain = Files.exists(dir.resolve(PLAIN));
        boolean hasWithPast = Files.exists(dir.resolve(WITH_PAST));
        DecoderSession s;
        DecoderSession g;
        if (hasMerged) {
            s = DecoderSession.open(files, MERGED, runtime, cfg, heads, true, true);
            g = s;
        } else if (hasPlain && hasWithPast) {
            s = DecoderSession.open(files, PLAIN, runtime, cfg, heads, true, false);
            try {
                g = DecoderSession.open(files, WITH_PAST, runtime, cfg, heads, false, true);
            } catch (IOException | OrtException | RuntimeException e) {
                s.close();
                throw e;
            }
        } else if (hasPlain || hasWithPast) {
            s = DecoderSession.open(files, hasPlain ? PLAIN : WITH_PAST, runtime, cfg, heads, true, true);
            g = s;
        } else {
            throw new LanguageModelException(Kind.MODEL_LOAD_FAILED, "no " + MERGED + ", " + PLAIN + " or " + WITH_PAST
                    + " in " + dir);
        }
        this.scorer = s;
        this.generator = g;
        this.tokenizer = new LmTokenizer(files.verified("tokenizer.json"));
        this.checksums = files.checksums();
        files.reportUnverified();
        int ctx = options.contextLength() > 0 ? options.contextLength() : cfg.maxPositions();
        this.contextLength = ctx > 0 ? ctx : Integer.MAX_VALUE;
        this.bosId = cfg.bosTokenId();
        OnnxCausalLmOptions.BosPolicy policy = options.bosPolicy() != null ? options.bosPolicy()
                : cfg.alwaysBos() ? OnnxCausalLmOptions.BosPolicy.ALWAYS
                : OnnxCausalLmOptions.BosPolicy.WHEN_PROMPT_EMPTY;
        this.bosAlways = bosId >= 0 && policy == OnnxCausalLmOptions.BosPolicy.ALWAYS;
        this.bosWhenEmpty = bosId >= 0 && policy != OnnxCausalLmOptions.BosPolicy.NEVER;
        this.eosIds = cfg.eosTokenIds();
        this.padId = eosIds.isEmpty() ? 0 : eosIds.iterator().next();
    }

    /** Loads {@code dir} with {@link OnnxCausalLmOptions#defaults()}. */
    public static OnnxCausalLm open(Path dir) {
        return open(dir, OnnxCausalLmOptions.defaults());
    }

    /**
     * Loads an Optimum export directory.
     *
     * @throws LanguageModelException MODEL_LOAD_FAILED when files are missing or ORT rejects them
     */
    public static OnnxCausalLm open(Path dir, OnnxCausalLmOptions options) {
        try {
            return new OnnxCausalLm(dir, options);
        } catch (IOException | OrtException | ModelLoadException | IllegalStateException | IllegalArgumentException e) {
            throw new LanguageModelException(Kind.MODEL_LOAD_FAILED, "cannot load causal LM from " + dir + ": "
                    + e.getMessage(), e);
        }
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public int contextLength() {
        return contextLength;
    }

    /** sha256 of every file loaded, by file name (checked against the directory's manifest.json when it has one). */
    public Map<String, String> checksums() {
        return checksums;
    }

    /** True when scoring uses the in-graph target log-prob head. */
    public boolean inGraphLogProbs() {
        return scorer.targetHead;
    }

    /** Layer norms the scoring graph runs fused as {@code SkipLayerNormalization} (0: as exported). */
    public int fusedLayerNorms() {
        return scorer.fusedLayerNorms;
    }

    /** True when generation feeds only new tokens plus a KV cache. */
    public boolean usesKvCache() {
        return generator.hasPast();
    }

    @Override
    public int countTokens(String text) {
        return encode(text).length;
    }

    /** The tokenizer's tokens of {@code text} with their character spans; no model call, log-probs NaN. */
    @Override
    public List<TokenLogProb> tokenize(String text) {
        LmTokenizer.Encoded e = tokenizer.encode(text);
        List<TokenLogProb> out = new ArrayList<>(e.length());
        for (int i = 0; i < e.length(); i++) {
            out.add(new TokenLogProb((int) e.ids()[i], text.substring(e.starts()[i], e.ends()[i]), e.starts()[i],
                    e.ends()[i], Double.NaN));
        }
        return out;
    }

    /** Token ids of {@code text} (no special tokens added). */
    public long[] encode(String text) {
        return tokenizer.encode(text).ids();
    }

    /** Text of token ids (special tokens kept). */
    public String decode(long[] ids) {
        return tokenizer.decode(ids);
    }

    // ---------------------------------------------------------------- scoring

    private record Prepared(ScoringRequest request, long[] seq, int contStart, LmTokenizer.Encoded cont) {
    }

    @Override
    public List<ScoredText> score(List<ScoringRequest> batch) {
        return score(batch, bosWhenEmpty);
    }

    /**
     * Log-probs of each text's tokens read as a prompt, the way echo servers (vLLM {@code echo} with
     * {@code max_tokens: 0}) report them: BOS goes first only when the model always puts it first, so without
     * it the first token has no log-prob (NaN). Unlike {@link #score} with an empty prompt, no BOS is added to
     * give the first token a log-prob, so this equals {@code score} of any non-empty prompt/continuation split
     * that tokenizes the same.
     */
    @Override
    public List<ScoredText> scorePrompts(List<String> texts) {
        return score(texts.stream().map(ScoringRequest::of).toList(), false);
    }

    private List<ScoredText> score(List<ScoringRequest> batch, boolean bosWhenPromptEmpty) {
        if (batch.isEmpty()) {
            return List.of();
        }
        List<Prepared> prepared = new ArrayList<>(batch.size());
        int maxLen = 0;
        for (int i = 0; i < batch.size(); i++) {
            Prepared p = prepare(batch.get(i), i, bosWhenPromptEmpty);
            prepared.add(p);
            maxLen = Math.max(maxLen, p.seq().length);
        }
        int rows = prepared.size();
        long[] ids = new long[rows * maxLen];
        long[] mask = new long[rows * maxLen];
        long[] pos = new long[rows * maxLen];
        long[] targets = new long[rows * maxLen];
        java.util.Arrays.fill(ids, padId);
        for (int b = 0; b < rows; b++) {
            long[] seq = prepared.get(b).seq();
            int off = maxLen - seq.length;
            for (int t = 0; t < seq.length; t++) {
                int at = b * maxLen + off + t;
                ids[at] = seq[t];
                mask[at] = 1;
                pos[at] = t;
                targets[at] = t + 1 < seq.length ? seq[t + 1] : 0;
            }
        }
        String out = scorer.targetHead ? LogitHeads.TARGET_LOGPROBS : LogitHeads.LOGITS;
        try (OrtSession.Result r = scorer.run(ids, mask, pos, targets, rows, maxLen, maxLen, null, Set.of(out))) {
            float[] values = DecoderSession.floats(r, out);
            int vocab = scorer.targetHead ? 0 : DecoderSession.lastDim(r, out);
            List<ScoredText> result = new ArrayList<>(rows);
            for (int b = 0; b < rows; b++) {
                Prepared p = prepared.get(b);
                int off = maxLen - p.seq().length;
                List<TokenLogProb> tokens = new ArrayList<>(p.cont().length());
                String text = p.request().continuation();
                for (int j = 0; j < p.cont().length(); j++) {
                    int t = p.contStart() + j;
                    double lp;
                    if (t == 0) {
                        lp = Double.NaN;
                    } else if (scorer.targetHead) {
                        lp = values[b * maxLen + off + t - 1];
                    } else {
                        lp = TokenSampler.logSoftmaxAt(values, (b * maxLen + off + t - 1) * vocab, vocab,
                                (int) p.seq()[t]);
                    }
                    int start = p.cont().starts()[j];
                    int end = p.cont().ends()[j];
                    tokens.add(new TokenLogProb((int) p.seq()[t], text.substring(start, end), start, end, lp));
                }
                result.add(new ScoredText(tokens));
            }
            return result;
        } catch (OrtException e) {
            throw new LanguageModelException(Kind.INFERENCE_FAILED, "scoring failed in " + scorer.file + ": "
                    + e.getMessage(), e);
        }
    }

    private Prepared prepare(ScoringRequest r, int index, boolean bosWhenPromptEmpty) {
        LmTokenizer.Encoded prompt = tokenizer.encode(r.prompt());
        LmTokenizer.Encoded cont = tokenizer.encode(r.continuation());
        if (cont.length() == 0) {
            throw new LanguageModelException(Kind.EMPTY_INPUT, "request " + index + ": continuation is empty, "
                    + "nothing to score");
        }
        boolean bos = bosAlways || (bosWhenPromptEmpty && prompt.length() == 0);
        int n = (bos ? 1 : 0) + prompt.length() + cont.length();
        if (n > contextLength) {
            throw new LanguageModelException(Kind.CONTEXT_TOO_LONG, "request " + index + ": " + n
                    + " tokens (prompt " + prompt.length() + ", continuation " + cont.length()
                    + (bos ? ", BOS 1" : "") + ") exceed the context length of " + contextLength);
        }
        long[] seq = new long[n];
        int k = 0;
        if (bos) {
            seq[k++] = bosId;
        }
        for (long v : prompt.ids()) {
            seq[k++] = v;
        }
        int contStart = k;
        for (long v : cont.ids()) {
            seq[k++] = v;
        }
        return new Prepared(r, seq, contStart, cont);
    }

    // ---------------------------------------------------------------- sampling

    @Override
    public List<Completion> sample(SamplingRequest r) {
        long[] prompt = promptIds(r.prompt());
        if (prompt.length == 0) {
            throw new LanguageModelException(Kind.EMPTY_INPUT, "prompt is empty and the model has no BOS token "
                    + "to start from");
        }
        if (prompt.length >= contextLength) {
            throw new LanguageModelException(Kind.CONTEXT_TOO_LONG, "prompt has " + prompt.length
                    + " tokens, context length is " + contextLength + " (at least one must remain to generate)");
        }
        SplittableRandom rnd = new SplittableRandom(r.seed() != null ? r.seed() : System.nanoTime());
        int n = r.n();
        List<Generation> gens = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            gens.add(new Generation());
        }
        try {
            runGeneration(r, prompt, gens, rnd);
        } catch (OrtException e) {
            throw new LanguageModelException(Kind.INFERENCE_FAILED, "generation failed in " + generator.file + ": "
                    + e.getMessage(), e);
        }
        List<Completion> out = new ArrayList<>(n);
        for (Generation g : gens) {
            out.add(g.toCompletion(tokenizer));
        }
        return out;
    }

    private long[] promptIds(String prompt) {
        long[] ids = tokenizer.encode(prompt).ids();
        boolean bos = bosAlways || (bosWhenEmpty && ids.length == 0);
        if (!bos) {
            return ids;
        }
        long[] withBos = new long[ids.length + 1];
        withBos[0] = bosId;
        System.arraycopy(ids, 0, withBos, 1, ids.length);
        return withBos;
    }

    private void runGeneration(SamplingRequest r, long[] prompt, List<Generation> gens, SplittableRandom rnd)
            throws OrtException {
        int n = gens.size();
        int len = prompt.length;
        // every row holds the same prompt followed by its own generated tokens (finished rows keep feeding pad)
        long[][] rows = new long[n][];
        for (int i = 0; i < n; i++) {
            rows[i] = java.util.Arrays.copyOf(prompt, contextLength == Integer.MAX_VALUE
                    ? len + r.maxTokens() : Math.min(contextLength, len + r.maxTokens()));
        }
        OrtSession.Result prev = null;
        try {
            prev = forward(rows, n, 0, len, null);
            while (true) {
                float[] logits = lastLogits(prev, n);
                int vocab = logits.length / n;
                boolean anyActive = false;
                for (int i = 0; i < n; i++) {
                    Generation g = gens.get(i);
                    if (g.finishReason != null) {
                        continue;
                    }
                    int tok = TokenSampler.sample(logits, i * vocab, vocab, r.temperature(), r.topP(), rnd);
                    if (eosIds.contains(tok)) {
                        g.finishReason = Completion.STOP;
                        rows[i][len] = padId;
                        continue;
                    }
                    g.add(tok, TokenSampler.logSoftmaxAt(logits, i * vocab, vocab, tok), tokenizer, r.stop());
                    rows[i][len] = tok;
                    if (g.finishReason == null && (g.ids.size() >= r.maxTokens() || len + 1 >= contextLength)) {
                        g.finishReason = Completion.LENGTH;
                    }
                    anyActive |= g.finishReason == null;
                }
                if (!anyActive) {
                    return;
                }
                OrtSession.Result next = generator.hasPast()
                        ? forward(rows, n, len, 1, generator.pastFrom(prev))
                        : forward(rows, n, 0, len + 1, null);
                prev.close();
                prev = next;
                len++;
            }
        } finally {
            if (prev != null) {
                prev.close();
            }
        }
    }

    /** Runs rows[:, from .. from+count) with a past of {@code from} tokens (null = no cache / empty past). */
    private OrtSession.Result forward(long[][] rows, int n, int from, int count,
                                      Map<String, OnnxTensor> past) throws OrtException {
        int total = from + count;
        long[] ids = new long[n * count];
        long[] mask = new long[n * total];
        long[] pos = new long[n * count];
        for (int i = 0; i < n; i++) {
            for (int t = 0; t < count; t++) {
                ids[i * count + t] = rows[i][from + t];
                pos[i * count + t] = from + t;
            }
        }
        java.util.Arrays.fill(mask, 1L);
        Set<String> outputs = new HashSet<>(generator.presentNames);
        outputs.add(generator.lastHead ? LogitHeads.LAST_LOGITS : LogitHeads.LOGITS);
        if (!generator.hasPast()) {
            outputs.clear();
            outputs.add(generator.lastHead ? LogitHeads.LAST_LOGITS : LogitHeads.LOGITS);
        }
        return generator.run(ids, mask, pos, null, n, count, total, past, outputs);
    }

    /** [n, vocab] logits of the last fed position. */
    private float[] lastLogits(OrtSession.Result r, int n) throws OrtException {
        if (generator.lastHead) {
            return DecoderSession.floats(r, LogitHeads.LAST_LOGITS);
        }
        float[] all = DecoderSession.floats(r, LogitHeads.LOGITS);
        int vocab = DecoderSession.lastDim(r, LogitHeads.LOGITS);
        int fed = all.length / (n * vocab);
        float[] last = new float[n * vocab];
        for (int i = 0; i < n; i++) {
            System.arraycopy(all, (i * fed + fed - 1) * vocab, last, i * vocab, vocab);
        }
        return last;
    }

    // ---------------------------------------------------------------- diagnostics (used by tests and benchmarks)

    /** Logits [n][vocab] of one unpadded sequence in a single full pass (positions 0..n-1). */
    public float[][] logits(long[] ids) {
        long[] mask = new long[ids.length];
        long[] pos = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            mask[i] = 1;
            pos[i] = i;
        }
        try (OrtSession.Result r = scorer.run(ids, mask, pos, null, 1, ids.length, ids.length, null,
                Set.of(LogitHeads.LOGITS))) {
            return split(DecoderSession.floats(r, LogitHeads.LOGITS), ids.length);
        } catch (OrtException e) {
            throw new LanguageModelException(Kind.INFERENCE_FAILED, e.getMessage(), e);
        }
    }

    /**
     * Logits [n][vocab] of one sequence computed incrementally: the first {@code prefill} tokens in one pass, then
     * one token per step feeding the KV cache of the previous step (the generation path).
     */
    public float[][] logitsIncremental(long[] ids, int prefill) {
        if (!generator.hasPast()) {
            throw new LanguageModelException(Kind.UNSUPPORTED_MODE, "no with-past decoder loaded: "
                    + generator.file + " has no past_key_values inputs");
        }
        float[][] out = new float[ids.length][];
        Set<String> outputs = new HashSet<>(generator.presentNames);
        outputs.add(LogitHeads.LOGITS);
        OrtSession.Result prev = null;
        try {
            int from = 0;
            int count = prefill;
            while (from < ids.length) {
                long[] chunk = java.util.Arrays.copyOfRange(ids, from, from + count);
                long[] mask = new long[from + count];
                java.util.Arrays.fill(mask, 1L);
                long[] pos = new long[count];
                for (int t = 0; t < count; t++) {
                    pos[t] = from + t;
                }
                OrtSession.Result next = generator.run(chunk, mask, pos, null, 1, count, from + count,
                        prev == null ? null : generator.pastFrom(prev), outputs);
                if (prev != null) {
                    prev.close();
                }
                prev = next;
                float[][] part = split(DecoderSession.floats(prev, LogitHeads.LOGITS), count);
                System.arraycopy(part, 0, out, from, count);
                from += count;
                count = 1;
            }
            return out;
        } catch (OrtException e) {
            throw new LanguageModelException(Kind.INFERENCE_FAILED, e.getMessage(), e);
        } finally {
            if (prev != null) {
                prev.close();
            }
        }
    }

    private static float[][] split(float[] flat, int rows) {
        int vocab = flat.length / rows;
        float[][] out = new float[rows][];
        for (int i = 0; i < rows; i++) {
            out[i] = java.util.Arrays.copyOfRange(flat, i * vocab, (i + 1) * vocab);
        }
        return out;
    }

    @Override
    public void close() {
        if (generator != scorer) {
            generator.close();
        }
        scorer.close();
        tokenizer.close();
    }
}
