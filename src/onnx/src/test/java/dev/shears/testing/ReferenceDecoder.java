package dev.shears.testing;

import dev.shears.onnx.graph.DecoderConfig;
import dev.shears.onnx.graph.DecoderExporter;
import dev.shears.onnx.graph.DecoderWeights;

/**
 * An independent, deliberately plain forward pass over {@link DecoderWeights}: explicit loops, double
 * accumulation, one unpadded sequence at positions 0..n-1, no KV cache. It shares nothing with
 * {@link DecoderExporter} except the weights record and its documented layouts.
 */
public final class ReferenceDecoder {

    private final DecoderWeights w;
    private final DecoderConfig c;

    public ReferenceDecoder(DecoderWeights weights) {
        this.w = weights;
        this.c = weights.config();
    }

    /** Logits [n][vocab] for every position of {@code ids}. */
    public double[][] logits(int[] ids) {
        int n = ids.length;
        int h = c.hidden();
        double[][] x = new double[n][h];
        for (int t = 0; t < n; t++) {
            for (int j = 0; j < h; j++) {
                x[t][j] = w.tokenEmbedding()[ids[t] * h + j];
                if (c.family() == DecoderConfig.Family.GPT2) {
                    x[t][j] += w.positionEmbedding()[t * h + j];
                }
            }
        }
        for (DecoderWeights.Layer lw : w.layers()) {
            double[][] a = new double[n][];
            for (int t = 0; t < n; t++) {
                a[t] = normalize(x[t], lw.attnNormWeight(), lw.attnNormBias());
            }
            double[][] attn = selfAttention(a, lw);
            for (int t = 0; t < n; t++) {
                for (int j = 0; j < h; j++) {
                    x[t][j] += attn[t][j];
                }
                double[] m = normalize(x[t], lw.mlpNormWeight(), lw.mlpNormBias());
                double[] f = feedForward(m, lw);
                for (int j = 0; j < h; j++) {
                    x[t][j] += f[j];
                }
            }
        }
        double[][] out = new double[n][];
        for (int t = 0; t < n; t++) {
            double[] z = normalize(x[t], w.finalNormWeight(), w.finalNormBias());
            out[t] = new double[c.vocabSize()];
            for (int v = 0; v < c.vocabSize(); v++) {
                double s = 0;
                for (int j = 0; j < h; j++) {
                    double wt = w.lmHead() == null ? w.tokenEmbedding()[v * h + j] : w.lmHead()[j * c.vocabSize() + v];
                    s += z[j] * wt;
                }
                out[t][v] = s;
            }
        }
        return out;
    }

    /** Log-softmax of {@link #logits}. */
    public double[][] logProbs(int[] ids) {
        double[][] l = logits(ids);
        for (double[] row : l) {
            double max = Double.NEGATIVE_INFINITY;
            for (double v : row) {
                max = Math.max(max, v);
            }
            double sum = 0;
            for (double v : row) {
                sum += Math.exp(v - max);
            }
            double lse = max + Math.log(sum);
            for (int i = 0; i < row.length; i++) {
                row[i] -= lse;
            }
        }
        return l;
    }

    /** log p(ids[t] | ids[..t]) for t = 1..n-1 (index 0 of the result is NaN). */
    public double[] targetLogProbs(int[] ids) {
        double[][] lp = logProbs(ids);
        double[] out = new double[ids.length];
        out[0] = Double.NaN;
        for (int t = 1; t < ids.length; t++) {
            out[t] = lp[t - 1][ids[t]];
        }
        return out;
    }

    private double[] normalize(double[] v, float[] gain, float[] bias) {
        int h = v.length;
        double[] out = new double[h];
        if (c.family() == DecoderConfig.Family.GPT2) {
            double mean = 0;
            for (double d : v) {
                mean += d;
            }
            mean /= h;
            double var = 0;
            for (double d : v) {
                var += (d - mean) * (d - mean);
            }
            var /= h;
            double inv = 1.0 / Math.sqrt(var + c.normEps());
            for (int j = 0; j < h; j++) {
                out[j] = (v[j] - mean) * inv * gain[j] + bias[j];
            }
        } else {
            double ms = 0;
            for (double d : v) {
                ms += d * d;
            }
            double inv = 1.0 / Math.sqrt(ms / h + c.normEps());
            for (int j = 0; j < h; j++) {
                out[j] = v[j] * inv * gain[j];
            }
        }
        return out;
    }

    /** y = x·W (+ b) with W stored [in, out]. */
    private static double[] project(double[] x, float[] weight, float[] bias, int out) {
        double[] y = new double[out];
        for (int o = 0; o < out; o++) {
            double s = bias == null ? 0 : bias[o];
            for (int i = 0; i < x.length; i++) {
                s += x[i] * weight[i * out + o];
            }
            y[o] = s;
        }
        return y;
    }

    private double[][] selfAttention(double[][] a, DecoderWeights.Layer lw) {
        int n = a.length;
        int d = c.headDim();
        int heads = c.heads();
        double[][] q = new double[n][];
        double[][] k = new double[n][];
        double[][] v = new double[n][];
        for (int t = 0; t < n; t++) {
            q[t] = project(a[t], lw.wq(), lw.bq(), heads * d);
            k[t] = project(a[t], lw.wk(), lw.bk(), c.kvHeads() * d);
            v[t] = project(a[t], lw.wv(), lw.bv(), c.kvHeads() * d);
            if (c.family() == DecoderConfig.Family.LLAMA) {
                applyRope(q[t], heads, t);
                applyRope(k[t], c.kvHeads(), t);
            }
        }
        double[][] ctx = new double[n][heads * d];
        double scale = 1.0 / Math.sqrt(d);
        for (int head = 0; head < heads; head++) {
            int kvHead = head / (heads / c.kvHeads());
            for (int t = 0; t < n; t++) {
                double[] s = new double[t + 1];
                double max = Double.NEGATIVE_INFINITY;
                for (int u = 0; u <= t; u++) {
                    double dot = 0;
                    for (int i = 0; i < d; i++) {
                        dot += q[t][head * d + i] * k[u][kvHead * d + i];
                    }
                    s[u] = dot * scale;
                    max = Math.max(max, s[u]);
                }
                double z = 0;
                for (int u = 0; u <= t; u++) {
                    s[u] = Math.exp(s[u] - max);
                    z += s[u];
                }
                for (int u = 0; u <= t; u++) {
                    for (int i = 0; i < d; i++) {
                        ctx[t][head * d + i] += s[u] / z * v[u][kvHead * d + i];
                    }
                }
            }
        }
        double[][] out = new double[n][];
        for (int t = 0; t < n; t++) {
            out[t] = project(ctx[t], lw.wo(), lw.bo(), c.hidden());
        }
        return out;
    }

    /** Rotates pairs (i, i + d/2) of every head by angle pos * theta^(-2i/d). */
    private void applyRope(double[] vec, int nHeads, int pos) {
        int d = c.headDim();
        int half = d / 2;
        for (int head = 0; head < nHeads; head++) {
            int base = head * d;
            for (int i = 0; i < half; i++) {
                double angle = pos * Math.pow(c.ropeTheta(), -2.0 * i / d);
                double cos = Math.cos(angle);
                double sin = Math.sin(angle);
                double x1 = vec[base + i];
                double x2 = vec[base + i + half];
                vec[base + i] = x1 * cos - x2 * sin;
                vec[base + i + half] = x2 * cos + x1 * sin;
            }
        }
    }

    private double[] feedForward(double[] m, DecoderWeights.Layer lw) {
        int inter = c.intermediate();
        double[] act;
        if (c.family() == DecoderConfig.Family.GPT2) {
            act = project(m, lw.wUp(), lw.bUp(), inter);
            for (int i = 0; i < inter; i++) {
                double u = act[i];
                act[i] = 0.5 * u * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (u + 0.044715 * u * u * u)));
            }
        } else {
            double[] gate = project(m, lw.wGate(), null, inter);
            double[] up = project(m, lw.wUp(), null, inter);
            act = new double[inter];
            for (int i = 0; i < inter; i++) {
                act[i] = gate[i] / (1 + Math.exp(-gate[i])) * up[i];
            }
        }
        return project(act, lw.wDown(), lw.bDown(), c.hidden());
    }
}
