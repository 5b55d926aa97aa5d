package dev.shears.onnx.graph;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shears.onnx.graph.OnnxGraphBuilder;

import dev.shears.onnx.ModelDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a test decoder as a directory in the Hugging Face Optimum layout:
 * <ul>
 *   <li>{@code decoder_model.onnx}: inputs {@code input_ids}, {@code attention_mask}, {@code position_ids}
 *       (all int64 [batch, seq]); outputs {@code logits} [batch, seq, vocab] and {@code present.{i}.key/value}
 *       [batch, kv_heads, seq, head_dim];</li>
 *   <li>{@code decoder_with_past_model.onnx}: additionally {@code past_key_values.{i}.key/value}
 *       [batch, kv_heads, past_seq, head_dim]; {@code attention_mask} covers past + new tokens, presents are
 *       past + new;</li>
 *   <li>{@code decoder_model_merged.onnx} (optional): the with-past graph plus a bool {@code use_cache_branch}
 *       [1]; when false, the past inputs are ignored (sliced to length 0);</li>
 *   <li>{@code config.json}, {@code generation_config.json}, {@code tokenizer.json}, and {@code manifest.json}
 *   pinning the sha256 of every file.</li>
 * </ul>
 * Both families take {@code position_ids} (recent Optimum GPT-2 exports do too), so left-padded batches give
 * the same results as unpadded ones when callers pass positions from the mask's cumulative sum. Padded keys are
 * masked with a large negative bias (-1e9), never -inf, so fully masked rows stay finite.
 */
public final class DecoderExporter {

    private static final float MASKED = -1e9f;

    /** Which graph files to write. */
    public enum Variant { NO_PAST, WITH_PAST, MERGED }

    private final DecoderWeights w;
    private final DecoderConfig c;

    private DecoderExporter(DecoderWeights weights) {
        this.w = weights;
        this.c = weights.config();
    }

    /** Writes {@code decoder_model.onnx} and {@code decoder_with_past_model.onnx} plus JSON files. */
    public static void export(DecoderWeights weights, Path dir) throws IOException {
        export(weights, dir, Variant.NO_PAST, Variant.WITH_PAST);
    }

    /** Writes the chosen graph variants plus config, generation config and tokenizer. */
    public static void export(DecoderWeights weights, Path dir, Variant... variants) throws IOException {
        if (weights.config().vocabSize() < ByteLevelTokenizerJson.SIZE) {
            throw new IllegalArgumentException("vocab " + weights.config().vocabSize()
                    + " smaller than the test tokenizer's " + ByteLevelTokenizerJson.SIZE + " ids");
        }
        Files.createDirectories(dir);
        DecoderExporter e = new DecoderExporter(weights);
        for (Variant v : variants) {
            String file = switch (v) {
                case NO_PAST -> "decoder_model.onnx";
                case WITH_PAST -> "decoder_with_past_model.onnx";
                case MERGED -> "decoder_model_merged.onnx";
            };
            e.graph(v).write(dir.resolve(file));
        }
        ObjectMapper mapper = new ObjectMapper();
        mapper.writerWithDefaultPrettyPrinter().writeValue(dir.resolve("config.json").toFile(), e.configJson(mapper));
        ObjectNode gen = mapper.createObjectNode();
        gen.put("bos_token_id", weights.config().bosTokenId());
        gen.put("eos_token_id", weights.config().eosTokenId());
        mapper.writerWithDefaultPrettyPrinter().writeValue(dir.resolve("generation_config.json").toFile(), gen);
        ByteLevelTokenizerJson.write(dir, mapper);
        ModelDirectory.pin(dir);
    }

    private ObjectNode configJson(ObjectMapper mapper) {
        ObjectNode n = mapper.createObjectNode();
        n.put("vocab_size", c.vocabSize());
        n.put("bos_token_id", c.bosTokenId());
        n.put("eos_token_id", c.eosTokenId());
        n.put("tie_word_embeddings", c.tiedEmbeddings());
        if (c.family() == DecoderConfig.Family.GPT2) {
            n.putArray("architectures").add("GPT2LMHeadModel");
            n.put("model_type", "gpt2");
            n.put("n_embd", c.hidden());
            n.put("n_layer", c.layers());
            n.put("n_head", c.heads());
            n.put("n_inner", c.intermediate());
            n.put("n_positions", c.maxPositions());
            n.put("n_ctx", c.maxPositions());
            n.put("layer_norm_epsilon", c.normEps());
            n.put("activation_function", "gelu_new");
        } else {
            n.putArray("architectures").add("LlamaForCausalLM");
            n.put("model_type", "llama");
            n.put("hidden_size", c.hidden());
            n.put("num_hidden_layers", c.layers());
            n.put("num_attention_heads", c.heads());
            n.put("num_key_value_heads", c.kvHeads());
            n.put("head_dim", c.headDim());
            n.put("intermediate_size", c.intermediate());
            n.put("max_position_embeddings", c.maxPositions());
            n.put("rms_norm_eps", c.normEps());
            n.put("rope_theta", c.ropeTheta());
            n.put("hidden_act", "silu");
        }
        return n;
    }

    /** Builds one graph variant. */
    OnnxGraphBuilder graph(Variant variant) {
        boolean past = variant != Variant.NO_PAST;
        int hd = c.headDim();
        OnnxGraphBuilder b = new OnnxGraphBuilder("shears_test_" + c.family().name().toLowerCase());
        b.input("input_ids", OnnxGraphBuilder.INT64, "batch_size", "sequence_length");
        b.input("attention_mask", OnnxGraphBuilder.INT64, "batch_size", "total_sequence_length");
        b.input("position_ids", OnnxGraphBuilder.INT64, "batch_size", "sequence_length");
        if (past) {
            for (int i = 0; i < c.layers(); i++) {
                b.input("past_key_values." + i + ".key", OnnxGraphBuilder.FLOAT, "batch_size", c.kvHeads(),
                        "past_sequence_length", hd);
                b.input("past_key_values." + i + ".value", OnnxGraphBuilder.FLOAT, "batch_size", c.kvHeads(),
                        "past_sequence_length", hd);
            }
        }
        if (variant == Variant.MERGED) {
            b.input("use_cache_branch", OnnxGraphBuilder.BOOL, 1);
        }

        String emb = b.floatInitializer("model.embed_tokens.weight", w.tokenEmbedding(), c.vocabSize(), c.hidden());
        String x = b.node("Gather").inputs(emb, "input_ids").attr("axis", 0L).output();
        RotaryTables rope = null;
        if (c.family() == DecoderConfig.Family.GPT2) {
            String pe = b.floatInitializer("transformer.wpe.weight", w.positionEmbedding(), c.maxPositions(),
                    c.hidden());
            x = b.op("Add", x, b.node("Gather").inputs(pe, "position_ids").attr("axis", 0L).output());
        } else {
            rope = rotaryTables(b);
        }
        String bias = attentionBias(b);
        String useCache = variant == Variant.MERGED
                ? b.node("Cast").inputs("use_cache_branch").attr("to", (long) OnnxGraphBuilder.INT64).output()
                : null;

        for (int i = 0; i < c.layers(); i++) {
            DecoderWeights.Layer lw = w.layers().get(i);
            String p = "layers." + i + ".";
            String pastK = null;
            String pastV = null;
            if (past) {
                pastK = pastInput(b, "past_key_values." + i + ".key", useCache);
                pastV = pastInput(b, "past_key_values." + i + ".value", useCache);
            }
            String h = norm(b, x, lw.attnNormWeight(), lw.attnNormBias(), p + "attn_norm");
            String q = heads(b, linear(b, h, lw.wq(), lw.bq(), c.hidden(), c.heads() * hd, p + "q"), c.heads());
            String k = heads(b, linear(b, h, lw.wk(), lw.bk(), c.hidden(), c.kvHeads() * hd, p + "k"), c.kvHeads());
            String v = heads(b, linear(b, h, lw.wv(), lw.bv(), c.hidden(), c.kvHeads() * hd, p + "v"), c.kvHeads());
            if (rope != null) {
                q = rotate(b, q, rope);
                k = rotate(b, k, rope);
            }
            String presentK = "present." + i + ".key";
            String presentV = "present." + i + ".value";
            if (past) {
                b.node("Concat").inputs(pastK, k).attr("axis", 2L).output(presentK);
                b.node("Concat").inputs(pastV, v).attr("axis", 2L).output(presentV);
            } else {
                b.node("Identity").inputs(k).output(presentK);
                b.node("Identity").inputs(v).output(presentV);
            }
            String ctx = attention(b, q, presentK, presentV, bias);
            x = b.op("Add", x, linear(b, ctx, lw.wo(), lw.bo(), c.heads() * hd, c.hidden(), p + "o"));
            String h2 = norm(b, x, lw.mlpNormWeight(), lw.mlpNormBias(), p + "mlp_norm");
            x = b.op("Add", x, mlp(b, h2, lw, p));
        }
        String xf = norm(b, x, w.finalNormWeight(), w.finalNormBias(), "final_norm");
        String head = w.lmHead() == null
                ? b.node("Transpose").inputs(emb).attr("perm", new long[]{1, 0}).output()
                : b.floatInitializer("lm_head.weight", w.lmHead(), c.hidden(), c.vocabSize());
        b.node("MatMul").inputs(xf, head).output("logits");
        b.output("logits", OnnxGraphBuilder.FLOAT, "batch_size", "sequence_length", c.vocabSize());
        for (int i = 0; i < c.layers(); i++) {
            b.output("present." + i + ".key", OnnxGraphBuilder.FLOAT, "batch_size", c.kvHeads(),
                    "total_sequence_length", hd);
            b.output("present." + i + ".value", OnnxGraphBuilder.FLOAT, "batch_size", c.kvHeads(),
                    "total_sequence_length", hd);
        }
        return b;
    }

    /** For the merged graph: past[:, :, :len*use_cache, :], i.e. empty when use_cache_branch is false. */
    private static String pastInput(OnnxGraphBuilder b, String name, String useCache) {
        if (useCache == null) {
            return name;
        }
        String len = b.node("Shape").inputs(name).attr("start", 2L).attr("end", 3L).output();
        String end = b.op("Mul", len, useCache);
        return b.op("Slice", name, b.longConst("zero", 0), end, b.longConst("axis", 2));
    }

    /**
     * Additive attention bias [batch, 1, 1, seq, total]: 0 where key j may be seen by query i (j is not padding
     * and j &lt;= past + i), -1e9 elsewhere. The extra unit axis matches the grouped score layout.
     */
    private static String attentionBias(OnnxGraphBuilder b) {
        String seq = b.node("Shape").inputs("input_ids").attr("start", 1L).attr("end", 2L).output();
        String total = b.node("Shape").inputs("attention_mask").attr("start", 1L).attr("end", 2L).output();
        String axis0 = b.longConst("axes", 0);
        String seqS = b.op("Squeeze", seq, axis0);
        String totalS = b.op("Squeeze", total, axis0);
        String pastLen = b.op("Sub", totalS, seqS);
        String one = b.longScalar("one", 1);
        String qPos = b.op("Range", pastLen, totalS, one);
        String kPos = b.op("Range", b.longScalar("zero", 0), totalS, one);
        String qCol = b.op("Unsqueeze", qPos, b.longConst("axes", 1));
        String causal = b.op("LessOrEqual", kPos, qCol);
        String keep = b.node("Cast").inputs("attention_mask").attr("to", (long) OnnxGraphBuilder.BOOL).output();
        String keep5 = b.op("Unsqueeze", keep, b.longConst("axes", 1, 2, 3));
        String allowed = b.op("And", causal, keep5);
        return b.op("Where", allowed, b.floatScalar("zero_f", 0f), b.floatScalar("masked", MASKED));
    }

    private String norm(OnnxGraphBuilder b, String x, float[] weight, float[] bias, String name) {
        String wt = b.floatInitializer(name + ".weight", weight, c.hidden());
        if (c.family() == DecoderConfig.Family.GPT2) {
            String bs = b.floatInitializer(name + ".bias", bias, c.hidden());
            return b.node("LayerNormalization").inputs(x, wt, bs).attr("axis", -1L)
                    .attr("epsilon", (float) c.normEps()).output();
        }
        String meanSq = b.node("ReduceMean").inputs(b.op("Mul", x, x)).attr("axes", new long[]{-1})
                .attr("keepdims", 1L).output();
        String rms = b.op("Sqrt", b.op("Add", meanSq, b.floatScalar("eps", (float) c.normEps())));
        return b.op("Mul", b.op("Div", x, rms), wt);
    }

    private static String linear(OnnxGraphBuilder b, String x, float[] weight, float[] bias, int in, int out,
                                 String name) {
        String y = b.op("MatMul", x, b.floatInitializer(name + ".weight", weight, in, out));
        return bias == null ? y : b.op("Add", y, b.floatInitializer(name + ".bias", bias, out));
    }

    /** [batch, seq, n*hd] → [batch, n, seq, hd]. */
    private String heads(OnnxGraphBuilder b, String x, int n) {
        String r = b.op("Reshape", x, b.longConst("shape", 0, 0, n, c.headDim()));
        return b.node("Transpose").inputs(r).attr("perm", new long[]{0, 2, 1, 3}).output();
    }

    /**
     * Grouped attention: queries [b, H, s, d] are viewed as [b, kv, group, s, d] so each key/value head
     * [b, kv, 1, t, d] broadcasts over its group. Returns the context as [b, s, H*d].
     */
    private String attention(OnnxGraphBuilder b, String q, String k, String v, String bias) {
        int hd = c.headDim();
        String qg = b.op("Reshape", q, b.longConst("shape", 0, c.kvHeads(), c.groupSize(), -1, hd));
        String axis2 = b.longConst("axes", 2);
        String kg = b.op("Unsqueeze", k, axis2);
        String vg = b.op("Unsqueeze", v, axis2);
        String kt = b.node("Transpose").inputs(kg).attr("perm", new long[]{0, 1, 2, 4, 3}).output();
        String scores = b.op("Mul", b.op("MatMul", qg, kt), b.floatScalar("scale", (float) (1.0 / Math.sqrt(hd))));
        String probs = b.node("Softmax").inputs(b.op("Add", scores, bias)).attr("axis", -1L).output();
        String ctx = b.op("MatMul", probs, vg);
        String merged = b.op("Reshape", ctx, b.longConst("shape", 0, c.heads(), -1, hd));
        String bshd = b.node("Transpose").inputs(merged).attr("perm", new long[]{0, 2, 1, 3}).output();
        return b.op("Reshape", bshd, b.longConst("shape", 0, 0, c.heads() * hd));
    }

    private String mlp(OnnxGraphBuilder b, String x, DecoderWeights.Layer lw, String p) {
        int in = c.hidden();
        int inter = c.intermediate();
        String down;
        if (c.family() == DecoderConfig.Family.GPT2) {
            String u = linear(b, x, lw.wUp(), lw.bUp(), in, inter, p + "mlp.up");
            // gelu_new: 0.5 u (1 + tanh(sqrt(2/pi) (u + 0.044715 u^3)))
            String cube = b.op("Mul", b.op("Mul", u, u), u);
            String inner = b.op("Add", u, b.op("Mul", cube, b.floatScalar("gelu_c", 0.044715f)));
            String t = b.op("Tanh", b.op("Mul", inner, b.floatScalar("gelu_k", (float) Math.sqrt(2 / Math.PI))));
            String g = b.op("Mul", b.op("Mul", u, b.floatScalar("half", 0.5f)),
                    b.op("Add", t, b.floatScalar("one_f", 1f)));
            down = linear(b, g, lw.wDown(), lw.bDown(), inter, in, p + "mlp.down");
        } else {
            String gate = linear(b, x, lw.wGate(), null, in, inter, p + "mlp.gate");
            String silu = b.op("Mul", gate, b.op("Sigmoid", gate));
            String up = linear(b, x, lw.wUp(), null, in, inter, p + "mlp.up");
            down = linear(b, b.op("Mul", silu, up), lw.wDown(), null, inter, in, p + "mlp.down");
        }
        return down;
    }

    private record RotaryTables(String cos, String sin) {
    }

    /** cos/sin tables [batch, 1, seq, hd] from position_ids, HF "rotate_half" layout (freqs repeated twice). */
    private RotaryTables rotaryTables(OnnxGraphBuilder b) {
        int half = c.headDim() / 2;
        float[] invFreq = new float[half];
        for (int i = 0; i < half; i++) {
            invFreq[i] = (float) Math.pow(c.ropeTheta(), -2.0 * i / c.headDim());
        }
        String pos = b.node("Cast").inputs("position_ids").attr("to", (long) OnnxGraphBuilder.FLOAT).output();
        String pos3 = b.op("Unsqueeze", pos, b.longConst("axes", 2));
        String freqs = b.op("Mul", pos3, b.floatInitializer("rope.inv_freq", invFreq, half));
        String emb = b.node("Concat").inputs(freqs, freqs).attr("axis", -1L).output();
        String axis1 = b.longConst("axes", 1);
        return new RotaryTables(b.op("Unsqueeze", b.op("Cos", emb), axis1),
                b.op("Unsqueeze", b.op("Sin", emb), axis1));
    }

    /** x·cos + rotate_half(x)·sin with rotate_half(x) = [-x2, x1]. */
    private String rotate(OnnxGraphBuilder b, String x, RotaryTables t) {
        int half = c.headDim() / 2;
        String axis = b.longConst("axis", 3);
        String x1 = b.op("Slice", x, b.longConst("start", 0), b.longConst("end", half), axis);
        String x2 = b.op("Slice", x, b.longConst("start", half), b.longConst("end", c.headDim()), axis);
        String rot = b.node("Concat").inputs(b.op("Neg", x2), x1).attr("axis", -1L).output();
        return b.op("Add", b.op("Mul", x, t.cos()), b.op("Mul", rot, t.sin()));
    }
}
