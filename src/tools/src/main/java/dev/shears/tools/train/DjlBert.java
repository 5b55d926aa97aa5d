package dev.shears.tools.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.norm.LayerNorm;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A BERT encoder (post-LayerNorm, exact GELU, absolute positions, token type 0) written as plain DJL tensor
 * operations over the weights of {@link BertWeights}, so autograd reaches every weight and the graph is the same
 * computation as the Hugging Face ONNX export it was loaded from. The weights live in the manager given at
 * construction; {@link #forward} can run a range of layers, which is how a frozen lower part is computed once
 * and cached while only the top layers train. Structurally pruned encoders load too: each layer's head count
 * and MLP width come from its weights' shapes, and layers are addressed by position (0 to {@link #layers} - 1)
 * whatever their exported indices.
 */
public final class DjlBert {

    static final float LAYER_NORM_EPS = 1e-12f;
    /** Added to attention scores of padding positions (the export's {@code finfo(float32).min}). */
    static final float MASKED = -3.4028235e38f;

    private final Map<String, NDArray> weights = new LinkedHashMap<>();
    private final int[] layerIndices;
    public final int layers;
    public final int hidden;
    /** Features per attention head (hidden size / the unpruned model's head count). */
    public final int headSize;

    /** {@code heads}: the unpruned model's heads per layer, which fixes the head size. */
    public DjlBert(NDManager manager, BertWeights source, int heads) {
        this.layerIndices = source.layerIndices;
        this.layers = source.layers;
        this.hidden = source.hidden;
        if (hidden % heads != 0) {
            throw new IllegalArgumentException("hidden size " + hidden + " is not a multiple of " + heads + " heads");
        }
        this.headSize = hidden / heads;
        source.all().forEach((name, v) -> weights.put(name, manager.create(v, new Shape(source.shape(name)))));
    }

    public NDArray weight(String name) {
        NDArray w = weights.get(name);
        if (w == null) {
            throw new IllegalArgumentException("no weight " + name);
        }
        return w;
    }

    /** The weight-name prefix of the layer at {@code position}. */
    public String layerPrefix(int position) {
        return BertWeights.layer(layerIndices[position]);
    }

    /** Names of the weights of the layers at positions {@code from} to the top (the part that trains). */
    public List<String> layerWeightNames(int from) {
        List<String> out = new ArrayList<>();
        for (int i = from; i < layers; i++) {
            String prefix = layerPrefix(i);
            weights.keySet().stream().filter(n -> n.startsWith(prefix)).forEach(out::add);
        }
        return out;
    }

    /** Current values of the named weights, as the ONNX graph stores them. */
    public Map<String, float[]> values(List<String> names) {
        Map<String, float[]> out = new LinkedHashMap<>();
        names.forEach(n -> out.put(n, weight(n).toFloatArray()));
        return out;
    }

    /** Embedding LayerNorm output for {@code ids} [B, L] (int64): word + position + token type 0. */
    public NDArray embed(NDArray ids) {
        long length = ids.getShape().get(1);
        // slices of a weight are created in the weights' manager: move them to the caller's, or every pass leaks
        NDManager caller = ids.getManager();
        NDArray words = weight("embeddings.word_embeddings.weight").get(ids);
        words.attach(caller);
        NDArray positions = weight("embeddings.position_embeddings.weight").get("0:" + length);
        positions.attach(caller);
        NDArray type = weight("embeddings.token_type_embeddings.weight").get(0);
        type.attach(caller);
        return layerNorm(words.add(positions).add(type), "embeddings.LayerNorm.");
    }

    /** Additive attention bias [B, 1, 1, L] from an attention mask [B, L] of 1 (token) and 0 (padding). */
    public static NDArray attentionBias(NDArray mask) {
        NDArray m = mask.toType(ai.djl.ndarray.types.DataType.FLOAT32, false);
        return m.neg().add(1).mul(MASKED).expandDims(1).expandDims(1);
    }

    /** Runs the layers at positions {@code [from, to)} on hidden states {@code x} [B, L, D]. */
    public NDArray forward(NDArray x, NDArray bias, int from, int to) {
        for (int i = from; i < to; i++) {
            x = layer(i, x, bias);
        }
        return x;
    }

    /** The whole encoder: {@code last_hidden_state} [B, L, D]. */
    public NDArray encode(NDArray ids, NDArray mask) {
        return forward(embed(ids), attentionBias(mask), 0, layers);
    }

    private NDArray layer(int position, NDArray x, NDArray bias) {
        String p = layerPrefix(position);
        long b = x.getShape().get(0);
        long l = x.getShape().get(1);
        long width = weight(p + "attention.self.query.weight").getShape().get(1);
        NDArray q = heads(linear(x, p + "attention.self.query"), b, l);
        NDArray k = heads(linear(x, p + "attention.self.key"), b, l);
        NDArray v = heads(linear(x, p + "attention.self.value"), b, l);
        NDArray scores = q.matMul(k.transpose(0, 1, 3, 2)).div((float) Math.sqrt(headSize)).add(bias);
        NDArray context = scores.softmax(-1).matMul(v).transpose(0, 2, 1, 3).reshape(b, l, width);
        NDArray attended = layerNorm(linear(context, p + "attention.output.dense").add(x), p + "attention.output.LayerNorm.");
        NDArray inner = Activation.gelu(linear(attended, p + "intermediate.dense"));
        return layerNorm(linear(inner, p + "output.dense").add(attended), p + "output.LayerNorm.");
    }

    /** [B, L, heads x headSize] to [B, heads, L, headSize]; the head count is whatever the layer kept. */
    private NDArray heads(NDArray x, long b, long l) {
        return x.reshape(b, l, -1, headSize).transpose(0, 2, 1, 3);
    }

    private NDArray linear(NDArray x, String name) {
        return x.matMul(weight(name + ".weight")).add(weight(name + ".bias"));
    }

    private NDArray layerNorm(NDArray x, String prefix) {
        return LayerNorm.layerNorm(x, new Shape(hidden), weight(prefix + "weight"), weight(prefix + "bias"), LAYER_NORM_EPS)
                .singletonOrThrow();
    }
}
