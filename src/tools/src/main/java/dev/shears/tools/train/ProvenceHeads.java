package dev.shears.tools.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.shears.onnx.graph.ProvenceHeadGraph;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * The two Provence heads in DJL, in exactly the form {@link ProvenceHeadGraph} appends to an ONNX encoder
 * (linear token head, no gate), so the trained weights export as they are. Per block with last hidden states
 * h [L, D], {@code h_cls = h[0]} and {@code q} the mean of h over [CLS] and the query:
 * token keep logit {@code z_t = w · [h_t, h_t ⊙ h_cls, h_t ⊙ q] + b}, rank logit
 * {@code r = wr · [h_cls, q, h_cls ⊙ q] + br}.
 */
public final class ProvenceHeads {

    public static final String TOKEN_WEIGHT = "provence.token.weight";
    public static final String TOKEN_BIAS = "provence.token.bias";
    public static final String RANK_WEIGHT = "provence.rank.weight";
    public static final String RANK_BIAS = "provence.rank.bias";
    /** Initial token bias: a keep-prob of about 0.1, near the share of answer tokens, so early steps don't fight the prior. */
    static final float INITIAL_TOKEN_BIAS = -2.2f;
    static final double INITIAL_STD = 0.02;

    private final Map<String, NDArray> weights = new LinkedHashMap<>();
    private final int dim;

    /** Fresh heads: small seeded normal weights (BERT's initialiser range). */
    public ProvenceHeads(NDManager manager, int dim, long seed) {
        this.dim = dim;
        Random random = new Random(seed);
        weights.put(TOKEN_WEIGHT, manager.create(normal(random, 3 * dim), new Shape(3L * dim, 1)));
        weights.put(TOKEN_BIAS, manager.create(new float[] {INITIAL_TOKEN_BIAS}));
        weights.put(RANK_WEIGHT, manager.create(normal(random, 3 * dim), new Shape(3L * dim, 1)));
        weights.put(RANK_BIAS, manager.create(new float[] {0f}));
    }

    private static float[] normal(Random random, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (random.nextGaussian() * INITIAL_STD);
        }
        return v;
    }

    public Map<String, NDArray> weights() {
        return weights;
    }

    /** Token keep logits [L] and the rank logit [1] of one block's last hidden states h [L, D]. */
    public NDArray[] forward(NDArray h, int queryPrefix) {
        NDArray cls = h.get(0);
        NDArray q = h.get("0:" + queryPrefix).mean(new int[] {0});
        NDArray features = h.concat(h.mul(cls), 1).concat(h.mul(q), 1);
        NDArray tokenLogits = features.matMul(weights.get(TOKEN_WEIGHT)).squeeze(1).add(weights.get(TOKEN_BIAS));
        NDArray rankFeatures = cls.concat(q).concat(cls.mul(q)).reshape(1, 3L * dim);
        NDArray rankLogit = rankFeatures.matMul(weights.get(RANK_WEIGHT)).reshape(1).add(weights.get(RANK_BIAS));
        return new NDArray[] {tokenLogits, rankLogit};
    }

    /** The heads as {@link ProvenceHeadGraph} takes them: linear token head, ungated. */
    public ProvenceHeadGraph.Heads toGraphHeads() {
        return new ProvenceHeadGraph.Heads(dim, 0, weights.get(TOKEN_WEIGHT).toFloatArray(), new float[0], new float[0],
                weights.get(TOKEN_BIAS).toFloatArray()[0], weights.get(RANK_WEIGHT).toFloatArray(),
                weights.get(RANK_BIAS).toFloatArray()[0], false);
    }
}
