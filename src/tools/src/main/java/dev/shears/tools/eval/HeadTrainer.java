package dev.shears.tools.eval;

import java.util.Random;

/**
 * A binary classifier trained with deterministic mini-batch Adam on standardised features: logistic
 * regression ({@code hidden == 0}) or one ReLU hidden layer. Row access goes through {@link Rows} so features
 * can be computed on the fly. Same data, settings and seed, same weights.
 */
final class HeadTrainer {

    interface Rows {
        int count();

        int dim();

        /** Writes row {@code i}'s raw (unstandardised) features into {@code out}. */
        void row(int i, float[] out);

        int label(int i);
    }

    final int dim;
    final int hidden;
    final double[] mean;
    final double[] scale;
    // standardised-space weights
    final double[] w1; // dim*hidden (row-major [dim][hidden]) or dim for linear
    final double[] b1;
    final double[] w2;
    double b2;

    HeadTrainer(int dim, int hidden, long seed) {
        this.dim = dim;
        this.hidden = hidden;
        this.mean = new double[dim];
        this.scale = new double[dim];
        Random r = new Random(seed);
        if (hidden == 0) {
            w1 = new double[dim];
            b1 = new double[0];
            w2 = new double[0];
        } else {
            w1 = new double[dim * hidden];
            double s = Math.sqrt(2.0 / dim);
            for (int i = 0; i < w1.length; i++) {
                w1[i] = r.nextGaussian() * s;
            }
            b1 = new double[hidden];
            w2 = new double[hidden];
            double s2 = Math.sqrt(1.0 / hidden);
            for (int i = 0; i < hidden; i++) {
                w2[i] = r.nextGaussian() * s2;
            }
        }
    }

    /** Feature means and standard deviations over (up to 50,000 evenly spaced) rows. */
    void standardise(Rows rows) {
        int step = Math.max(1, rows.count() / 50_000);
        float[] x = new float[dim];
        double[] sq = new double[dim];
        int n = 0;
        for (int i = 0; i < rows.count(); i += step) {
            rows.row(i, x);
            for (int d = 0; d < dim; d++) {
                mean[d] += x[d];
                sq[d] += (double) x[d] * x[d];
            }
            n++;
        }
        for (int d = 0; d < dim; d++) {
            mean[d] /= n;
            scale[d] = 1.0 / Math.max(1e-6, Math.sqrt(Math.max(0, sq[d] / n - mean[d] * mean[d])));
        }
    }

    void fit(Rows rows, int[] index, int epochs, int batch, double lr, double l2, long seed) {
        Random random = new Random(seed);
        int p = w1.length + b1.length + w2.length + 1;
        double[] m = new double[p];
        double[] v = new double[p];
        double[] g = new double[p];
        float[] raw = new float[dim];
        double[] x = new double[dim];
        double[] a = new double[hidden];
        int[] order = index.clone();
        long step = 0;
        for (int epoch = 0; epoch < epochs; epoch++) {
            for (int i = order.length - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
            double loss = 0;
            for (int from = 0; from < order.length; from += batch) {
                int to = Math.min(order.length, from + batch);
                java.util.Arrays.fill(g, 0);
                for (int k = from; k < to; k++) {
                    int i = order[k];
                    rows.row(i, raw);
                    for (int d = 0; d < dim; d++) {
                        x[d] = (raw[d] - mean[d]) * scale[d];
                    }
                    double z = forward(x, a);
                    double pr = 1 / (1 + Math.exp(-z));
                    int y = rows.label(i);
                    loss -= y == 1 ? Math.log(Math.max(pr, 1e-12)) : Math.log(Math.max(1 - pr, 1e-12));
                    double dz = pr - y;
                    if (hidden == 0) {
                        for (int d = 0; d < dim; d++) {
                            g[d] += dz * x[d];
                        }
                    } else {
                        int o = w1.length;
                        for (int h = 0; h < hidden; h++) {
                            g[o + hidden + h] += dz * a[h];
                            if (a[h] > 0) {
                                double da = dz * w2[h];
                                g[o + h] += da;
                                for (int d = 0; d < dim; d++) {
                                    g[d * hidden + h] += da * x[d];
                                }
                            }
                        }
                    }
                    g[p - 1] += dz;
                }
                step++;
                int n = to - from;
                double c1 = 1 - Math.pow(0.9, step);
                double c2 = 1 - Math.pow(0.999, step);
                for (int q = 0; q < p; q++) {
                    double value = get(q);
                    double grad = g[q] / n + (q < w1.length ? l2 * value : 0);
                    m[q] = 0.9 * m[q] + 0.1 * grad;
                    v[q] = 0.999 * v[q] + 0.001 * grad * grad;
                    set(q, value - lr * (m[q] / c1) / (Math.sqrt(v[q] / c2) + 1e-8));
                }
            }
            System.err.printf("  epoch %d: loss %.4f%n", epoch + 1, loss / order.length);
        }
    }

    private double get(int q) {
        if (q < w1.length) {
            return w1[q];
        }
        q -= w1.length;
        if (q < b1.length) {
            return b1[q];
        }
        q -= b1.length;
        if (q < w2.length) {
            return w2[q];
        }
        return b2;
    }

    private void set(int q, double value) {
        if (q < w1.length) {
            w1[q] = value;
            return;
        }
        q -= w1.length;
        if (q < b1.length) {
            b1[q] = value;
            return;
        }
        q -= b1.length;
        if (q < w2.length) {
            w2[q] = value;
            return;
        }
        b2 = value;
    }

    private double forward(double[] x, double[] a) {
        if (hidden == 0) {
            double z = b2;
            for (int d = 0; d < dim; d++) {
                z += w1[d] * x[d];
            }
            return z;
        }
        System.arraycopy(b1, 0, a, 0, hidden);
        for (int d = 0; d < dim; d++) {
            double xd = x[d];
            if (xd == 0) {
                continue;
            }
            int base = d * hidden;
            for (int h = 0; h < hidden; h++) {
                a[h] += w1[base + h] * xd;
            }
        }
        double z = b2;
        for (int h = 0; h < hidden; h++) {
            a[h] = Math.max(0, a[h]);
            z += w2[h] * a[h];
        }
        return z;
    }

    /** Logit for raw features. */
    double logit(float[] raw) {
        double[] x = new double[dim];
        for (int d = 0; d < dim; d++) {
            x[d] = (raw[d] - mean[d]) * scale[d];
        }
        return forward(x, new double[hidden]);
    }

    /** First-layer weights folded with the standardisation, for raw features: row-major [dim][hidden] or [dim]. */
    float[] foldedW1() {
        float[] out = new float[w1.length];
        int width = Math.max(1, hidden);
        for (int d = 0; d < dim; d++) {
            for (int h = 0; h < width; h++) {
                out[d * width + h] = (float) (w1[d * width + h] * scale[d]);
            }
        }
        return out;
    }

    /** First-layer bias folded with the standardisation ([hidden], or the output bias for a linear head). */
    double[] foldedB1() {
        int width = Math.max(1, hidden);
        double[] out = new double[width];
        for (int h = 0; h < width; h++) {
            double s = hidden == 0 ? b2 : b1[h];
            for (int d = 0; d < dim; d++) {
                s -= w1[d * width + h] * scale[d] * mean[d];
            }
            out[h] = s;
        }
        return out;
    }
}
