package dev.shears.tools.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.onnx.proto.OnnxMl.ModelProto;
import dev.shears.tools.reasoning.Progress;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.apache.commons.math3.stat.correlation.SpearmansCorrelation;

/**
 * Knowledge distillation of a structurally pruned encoder (the student) toward the encoder it was pruned from (the
 * teacher), both run in DJL from their fp32 ONNX graphs ({@link BertWeights}, {@link DjlBert}). The least-squares
 * refit of structured pruning matches one projection at a time; this trains every remaining encoder weight
 * together on what the served model uses: per sentence, {@code 1 - cos} between the student's and the teacher's
 * [CLS] state (the pooled embedding before normalisation) plus {@code tokenWeight} times the mean {@code 1 - cos}
 * over the real tokens' last hidden states (a denser signal, as in TinyBERT's hidden-state loss). Embeddings stay
 * frozen (pruning left them as they were). AdamW, warm-up then linear decay, global-norm clipping, no dropout;
 * batches are length-sorted runs of sentences in a seeded order, padding masked out.
 *
 * <p>Held-out groups (a question, then its sentences) are measured before and after ({@link HeldOut}): besides
 * the embedding cosine, how close the student's question-sentence cosines, which the relevance head thresholds and
 * ranks by, are to the teacher's. (A relational term on in-batch similarities, KL of their softmaxes or their
 * squared difference over batches of whole questions, was tried and left out: on 2,048 WikiQA texts it gave a
 * lower [CLS] cosine, a larger question-sentence cosine error and a lower rank correlation than this loss alone.)
 */
public final class EncoderDistillation {

    /** The training settings. */
    public record Settings(int epochs, int batch, double learningRate, double warmup, double weightDecay, double clipNorm,
            double tokenWeight, int maxLength, long seed) {

        public String describe() {
            return String.format(Locale.ROOT, "epochs=%d batch=%d lr=%s warmup=%s weight_decay=%s clip_norm=%s token_weight=%s"
                    + " max_length=%d seed=%d", epochs, batch, learningRate, warmup, weightDecay, clipNorm, tokenWeight,
                    maxLength, seed);
        }
    }

    /** What a run did: the distilled graph, its step count and time, and the held-out measures before and after. */
    public record Result(ModelProto model, int steps, double trainSeconds, HeldOut before, HeldOut after, double firstLoss,
            double lastLoss) {

        public String describe() {
            return String.format(Locale.ROOT, "%d steps in %.0f s, loss %.4f -> %.4f (means of the first and last up to 20 steps);"
                    + " held out: %s -> %s", steps, trainSeconds, firstLoss, lastLoss, before.describe(), after.describe());
        }
    }

    /**
     * The student against the teacher on held-out groups (a question, then its sentences): the per-text [CLS] cosine,
     * mean and 5th percentile; the mean absolute difference between their cosines of a question with each of its
     * sentences (the head's first feature); per question with 3 or more sentences, the Spearman correlation of those
     * cosines and whether both put the same sentence first, averaged.
     */
    public record HeldOut(double clsCosine, double clsCosineP5, double pairCosineError, double rankCorrelation,
            double sameTop) {

        public String describe() {
            return String.format(Locale.ROOT, "[CLS] cosine %.4f (p5 %.4f), question-sentence cosine error %.4f,"
                    + " rank correlation %.4f, same top sentence %.3f", clsCosine, clsCosineP5, pairCosineError,
                    rankCorrelation, sameTop);
        }
    }

    private EncoderDistillation() {}

    /**
     * Trains {@code student} toward {@code teacher} on {@code train} (token ids with [CLS] and [SEP], truncated to
     * {@code maxLength}) and returns the student graph with its trained weights written in; {@code heldOut} groups
     * (a question, then its sentences) are only measured. {@code heads} is the teacher's head count (it fixes the
     * head size).
     */
    public static Result distill(ModelProto teacher, ModelProto student, int heads, List<long[]> train,
            List<List<long[]>> heldOut, Settings settings, PrintStream log) {
        System.setProperty("ai.djl.offline", System.getProperty("ai.djl.offline", "true"));
        BertWeights studentWeights = BertWeights.fromOnnx(student);
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            DjlBert t = new DjlBert(manager, BertWeights.fromOnnx(teacher), heads);
            DjlBert s = new DjlBert(manager, studentWeights, heads);
            if (s.hidden != t.hidden) {
                throw new IllegalArgumentException("student hidden size " + s.hidden + " differs from the teacher's " + t.hidden);
            }
            Map<String, NDArray> trainable = new LinkedHashMap<>();
            List<String> names = s.layerWeightNames(0);
            names.forEach(n -> trainable.put(n, s.weight(n)));
            AdamW optimiser = new AdamW(manager, trainable, (float) settings.weightDecay());
            List<long[][]> batches = batches(train, settings.batch(), settings.maxLength());
            HeldOut before = measure(manager, t, s, heldOut, settings.maxLength());
            long total = (long) batches.size() * settings.epochs();
            log.printf(Locale.ROOT, "distilling: %d sentences in %d batches, %d epochs, %d steps, %d trainable weights; %s%n",
                    train.size(), batches.size(), settings.epochs(), total,
                    trainable.values().stream().mapToLong(NDArray::size).sum(), settings.describe());
            Progress progress = new Progress(log, total, 0, "steps", System.console() != null);
            List<Double> losses = new ArrayList<>();
            long started = System.nanoTime();
            long step = 0;
            for (int epoch = 0; epoch < settings.epochs(); epoch++) {
                List<long[][]> order = new ArrayList<>(batches);
                Collections.shuffle(order, new Random(settings.seed() * 1_000_003L + epoch));
                for (long[][] batch : order) {
                    double loss;
                    try (GradientCollector collector = Engine.getInstance().newGradientCollector();
                            NDManager scratch = manager.newSubManager()) {
                        NDArray mask = mask(scratch, batch);
                        NDArray[] pair = states(scratch, t, s, batch, mask);
                        NDArray l = cosineDistance(pair[0].get(":, 0, :"), pair[1].get(":, 0, :")).mean();
                        if (settings.tokenWeight() > 0) {
                            NDArray perToken = cosineDistance(pair[0], pair[1]).mul(mask);
                            l = l.add(perToken.sum().div(mask.sum()).mul((float) settings.tokenWeight()));
                        }
                        collector.backward(l);
                        loss = l.getFloat();
                    }
                    double lr = AdamW.warmupThenLinearDecay(settings.learningRate(), settings.warmup(), step, total);
                    try {
                        optimiser.step(name -> lr, settings.clipNorm());
                    } catch (AdamW.NonFiniteGradient e) {
                        log.printf(Locale.ROOT, "%nstep %d skipped: non-finite gradient in %s%n", step + 1, e.parameters);
                    }
                    losses.add(loss);
                    step++;
                    progress.note(String.format(Locale.ROOT, "loss %.4f, epoch %d", loss, epoch));
                    progress.step(!Double.isFinite(loss));
                }
            }
            progress.finish();
            double seconds = (System.nanoTime() - started) / 1e9;
            HeldOut after = measure(manager, t, s, heldOut, settings.maxLength());
            ModelProto out = studentWeights.writeInto(student, s.values(names));
            int window = Math.max(1, Math.min(20, losses.size() / 4));
            return new Result(out, (int) step, seconds, before, after, mean(losses.subList(0, window)),
                    mean(losses.subList(losses.size() - window, losses.size())));
        }
    }

    /** 1 - cos over the last axis. */
    static NDArray cosineDistance(NDArray a, NDArray b) {
        NDArray dot = a.mul(b).sum(new int[] {-1});
        NDArray norms = a.norm(new int[] {-1}).mul(b.norm(new int[] {-1})).add(1e-12f);
        return dot.div(norms).neg().add(1);
    }

    /** Teacher (no gradient) and student last hidden states [B, L, D] of a padded batch with its {@link #mask}. */
    private static NDArray[] states(NDManager scratch, DjlBert teacher, DjlBert student, long[][] batch, NDArray mask) {
        NDArray ids = scratch.create(flat(batch), new Shape(batch.length, batch[0].length));
        NDArray bias = DjlBert.attentionBias(mask);
        NDArray taught = teacher.forward(teacher.embed(ids), bias, 0, teacher.layers).stopGradient();
        NDArray learnt = student.forward(student.embed(ids), bias, 0, student.layers);
        return new NDArray[] {learnt, taught};
    }

    /** [B, L] float mask: 1 for real tokens (id != 0 after the first position), 0 for padding. */
    private static NDArray mask(NDManager scratch, long[][] batch) {
        float[] m = new float[batch.length * batch[0].length];
        for (int r = 0; r < batch.length; r++) {
            for (int c = 0; c < batch[r].length; c++) {
                m[r * batch[r].length + c] = c == 0 || batch[r][c] != 0 ? 1 : 0;
            }
        }
        return scratch.create(m, new Shape(batch.length, batch[0].length));
    }

    /** {@link HeldOut} of the student against the teacher, one group per pass. */
    private static HeldOut measure(NDManager manager, DjlBert teacher, DjlBert student, List<List<long[]>> groups,
            int maxLength) {
        List<Double> cos = new ArrayList<>();
        List<Double> pairError = new ArrayList<>();
        List<Double> rank = new ArrayList<>();
        List<Double> sameTop = new ArrayList<>();
        for (List<long[]> group : groups) {
            try (NDManager scratch = manager.newSubManager()) {
                long[][] batch = padded(group.stream().map(ids -> truncated(ids, maxLength)).toList()); // question in row 0
                NDArray[] pair = states(scratch, teacher, student, batch, mask(scratch, batch));
                NDArray s = pair[0].get(":, 0, :");
                NDArray t = pair[1].get(":, 0, :");
                for (float d : cosineDistance(s, t).toFloatArray()) {
                    cos.add(1.0 - d);
                }
                if (group.size() < 2) {
                    continue;
                }
                double[] learnt = questionCosines(s);
                double[] taught = questionCosines(t);
                for (int k = 0; k < learnt.length; k++) {
                    pairError.add(Math.abs(learnt[k] - taught[k]));
                }
                if (learnt.length >= 3) {
                    rank.add(new SpearmansCorrelation().correlation(learnt, taught));
                    sameTop.add(argMax(learnt) == argMax(taught) ? 1.0 : 0.0);
                }
            }
        }
        if (cos.isEmpty()) {
            return new HeldOut(Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        }
        Collections.sort(cos);
        return new HeldOut(mean(cos), cos.get((int) Math.floor(0.05 * (cos.size() - 1))), mean(pairError), mean(rank),
                mean(sameTop));
    }

    /** cos(row 0, row k) for k >= 1 of [N, D] states. */
    private static double[] questionCosines(NDArray states) {
        long n = states.getShape().get(0);
        float[] c = cosineDistance(states.get("1:, :"), states.get("0:1, :").repeat(0, n - 1)).neg().add(1).toFloatArray();
        double[] out = new double[c.length];
        for (int k = 0; k < c.length; k++) {
            out[k] = c[k];
        }
        return out;
    }

    private static int argMax(double[] values) {
        int best = 0;
        for (int k = 1; k < values.length; k++) {
            best = values[k] > values[best] ? k : best;
        }
        return best;
    }

    /**
     * Sentences truncated to {@code maxLength} (keeping the final [SEP]), sorted by length, cut into batches of
     * {@code size} and padded with 0 (BERT's [PAD]) to each batch's longest.
     */
    static List<long[][]> batches(List<long[]> sentences, int size, int maxLength) {
        List<long[]> sorted = new ArrayList<>(sentences.stream().map(s -> truncated(s, maxLength)).toList());
        sorted.sort(Comparator.comparingInt(a -> a.length));
        List<long[][]> out = new ArrayList<>();
        for (int from = 0; from < sorted.size(); from += size) {
            out.add(padded(sorted.subList(from, Math.min(sorted.size(), from + size))));
        }
        return out;
    }

    /** {@code ids} cut to {@code maxLength}, keeping the final [SEP]. */
    private static long[] truncated(long[] ids, int maxLength) {
        if (ids.length <= maxLength) {
            return ids;
        }
        long[] cut = java.util.Arrays.copyOf(ids, maxLength);
        cut[maxLength - 1] = ids[ids.length - 1];
        return cut;
    }

    /** Rows padded with 0 (BERT's [PAD]) to the longest. */
    private static long[][] padded(List<long[]> rows) {
        int length = rows.stream().mapToInt(r -> r.length).max().orElse(0);
        long[][] batch = new long[rows.size()][length];
        for (int r = 0; r < rows.size(); r++) {
            System.arraycopy(rows.get(r), 0, batch[r], 0, rows.get(r).length);
        }
        return batch;
    }

    private static long[] flat(long[][] rows) {
        long[] out = new long[rows.length * rows[0].length];
        for (int r = 0; r < rows.length; r++) {
            System.arraycopy(rows[r], 0, out, r * rows[r].length, rows[r].length);
        }
        return out;
    }

    private static double mean(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }
}
