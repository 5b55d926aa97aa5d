package dev.shears.tools.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.shears.eval.AnswerRanking;
import dev.shears.eval.PruningEvaluation;
import dev.shears.pruning.provence.TokenKeepModel;
import dev.shears.tools.eval.WikiQaBlocks;
import dev.shears.tools.reasoning.Progress;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Fine-tunes the top layers of a {@link DjlBert} with {@link ProvenceHeads} on packed WikiQA blocks. The
 * embeddings and the layers below {@code layers - trainLayers} stay frozen: their output per block is computed
 * once (without autograd) and cached, so later epochs and every dev evaluation run only the top layers.
 *
 * <p>Loss per optimiser step over its blocks: binary cross-entropy of the token keep logits against the
 * sentence labels spread over their tokens, averaged over the step's context tokens, plus {@code rankWeight}
 * times the binary cross-entropy of the rank logit against "the block holds an answer", averaged over the
 * step's blocks. Learning rate: linear warm-up, then linear decay to 0 at the last step; heads at their own rate.
 */
final class ProvenceTrainer {

    /** Everything that determines the result (the checkpoint refuses other settings). */
    record Settings(int maxLength, int trainLayers, int epochs, int batch, double learningRate, double headLearningRate,
            double warmup, double weightDecay, double rankWeight, long seed, int trainQuestions, double unanswerableShare,
            double clipNorm) {
        String describe() {
            return String.format(Locale.ROOT, "max_length=%d train_layers=%d epochs=%d batch=%d lr=%s head_lr=%s warmup=%s"
                    + " weight_decay=%s rank_weight=%s seed=%d train_questions=%d unanswerable_share=%s", maxLength, trainLayers,
                    epochs, batch, learningRate, headLearningRate, warmup, weightDecay, rankWeight, seed, trainQuestions,
                    unanswerableShare) + (clipNorm > 0 ? " clip_norm=" + clipNorm : "");
        }

        /** The inverse of {@link #describe()} (how an export recovers a checkpoint's settings). */
        static Settings parse(String described) {
            Map<String, String> v = new HashMap<>();
            for (String pair : described.split(" ")) {
                String[] kv = pair.split("=", 2);
                v.put(kv[0], kv[1]);
            }
            return new Settings(Integer.parseInt(v.get("max_length")), Integer.parseInt(v.get("train_layers")),
                    Integer.parseInt(v.get("epochs")), Integer.parseInt(v.get("batch")), Double.parseDouble(v.get("lr")),
                    Double.parseDouble(v.get("head_lr")), Double.parseDouble(v.get("warmup")),
                    Double.parseDouble(v.get("weight_decay")), Double.parseDouble(v.get("rank_weight")),
                    Long.parseLong(v.get("seed")), Integer.parseInt(v.get("train_questions")),
                    Double.parseDouble(v.get("unanswerable_share")), Double.parseDouble(v.getOrDefault("clip_norm", "0")));
        }
    }

    /** Dev scores of the model: per-sentence scores (runtime aggregation) and the metrics derived from them. */
    record DevScores(double[] sentenceScores, AnswerRanking.Metrics ranking, double loss) {}

    final Settings settings;
    final DjlBert bert;
    final ProvenceHeads heads;
    final int firstTrained;
    private final NDManager manager;
    private final AdamW optimiser;
    private final Map<String, NDArray> trainable = new LinkedHashMap<>();
    /**
     * Frozen-part outputs per block, keyed by data set and block index, held as native arrays in {@link #cacheManager}:
     * they go into the graph as they are, never through a Java array and back.
     */
    private final Map<Object, Map<Integer, NDArray>> frozenCache = new HashMap<>();
    private final NDManager cacheManager;
    /** The data {@link #step} trains on (its frozen outputs are cached only when there are several epochs). */
    private WikiQaBlocks trainingData;

    ProvenceTrainer(NDManager manager, BertWeights weights, Settings settings) {
        this.manager = manager;
        this.cacheManager = manager.newSubManager();
        this.settings = settings;
        this.bert = new DjlBert(manager, weights, Fp32Bge.HEADS);
        this.heads = new ProvenceHeads(manager, bert.hidden, settings.seed());
        this.firstTrained = bert.layers - settings.trainLayers();
        if (firstTrained < 0) {
            throw new IllegalArgumentException("--train-layers " + settings.trainLayers() + " > " + bert.layers + " layers");
        }
        bert.layerWeightNames(firstTrained).forEach(n -> trainable.put(n, bert.weight(n)));
        trainable.putAll(heads.weights());
        Engine.getInstance().setRandomSeed((int) settings.seed());
        this.optimiser = new AdamW(manager, trainable, (float) settings.weightDecay());
    }

    int trainableParameters() {
        return trainable.values().stream().mapToInt(a -> (int) a.size()).sum();
    }

    int stepsPerEpoch(int blocks) {
        return (blocks + settings.batch() - 1) / settings.batch();
    }

    /** The block order of an epoch: a seeded shuffle, the same on every run and resume. */
    int[] order(int blocks, int epoch) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < blocks; i++) {
            order.add(i);
        }
        java.util.Collections.shuffle(order, new Random(settings.seed() * 1_000_003L + epoch));
        return order.stream().mapToInt(Integer::intValue).toArray();
    }

    double learningRate(long step, long totalSteps, boolean head) {
        return AdamW.warmupThenLinearDecay(head ? settings.headLearningRate() : settings.learningRate(), settings.warmup(),
                step, totalSteps);
    }

    /**
     * One optimiser step over the given blocks of {@code data}; returns {token loss, rank loss, gradient norm
     * before clipping} (the losses averaged as in the objective). When {@code gradientTrace} is given it receives
     * the gradient norm of each trained layer and of the heads before the update.
     */
    double[] step(WikiQaBlocks data, int[] blocks, long step, long totalSteps) {
        return step(data, blocks, step, totalSteps, null);
    }

    double[] step(WikiQaBlocks data, int[] blocks, long step, long totalSteps, java.util.function.Consumer<double[]> gradientTrace) {
        trainingData = data;
        int tokens = 0;
        for (int b : blocks) {
            tokens += data.blocks.get(b).contextTokens();
        }
        double tokenLoss = 0;
        double rankLoss = 0;
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            for (int b : blocks) {
                try (NDManager scratch = manager.newSubManager()) {
                    NDArray[] losses = losses(scratch, data, b);
                    NDArray token = losses[0].div(tokens);
                    NDArray rank = losses[1].mul(settings.rankWeight() / blocks.length);
                    collector.backward(token.add(rank));
                    tokenLoss += token.getFloat();
                    rankLoss += losses[1].getFloat() / blocks.length;
                }
            }
        }
        Map<String, Double> norms = optimiser.gradientNorms();
        if (gradientTrace != null) {
            gradientTrace.accept(groupNorms(norms));
        }
        double norm = optimiser.step(name -> learningRate(step, totalSteps, name.startsWith("provence.")), settings.clipNorm(),
                norms);
        return new double[] {tokenLoss, rankLoss, norm};
    }

    /** Names of {@link #groupNorms}' columns: the trained layers, then the heads. */
    List<String> gradientGroups() {
        List<String> out = new ArrayList<>();
        for (int i = firstTrained; i < bert.layers; i++) {
            out.add("layer" + i);
        }
        out.add("heads");
        return out;
    }

    /** Per-parameter gradient norms combined per trained layer and for the heads (the root of summed squares). */
    private double[] groupNorms(Map<String, Double> norms) {
        double[] squares = new double[bert.layers - firstTrained + 1];
        norms.forEach((name, n) -> {
            int group = squares.length - 1;
            for (int i = firstTrained; i < bert.layers; i++) {
                if (name.startsWith(bert.layerPrefix(i))) {
                    group = i - firstTrained;
                }
            }
            squares[group] += n * n;
        });
        return Arrays.stream(squares).map(Math::sqrt).toArray();
    }

    /** Summed token BCE over the context tokens and the rank BCE of block b, with autograd recording. */
    private NDArray[] losses(NDManager scratch, WikiQaBlocks data, int b) {
        NDArray[] out = outputs(scratch, data, b);
        int[] sentence = data.positionSentence(b);
        float[] label = new float[sentence.length];
        float[] context = new float[sentence.length];
        for (int t = 0; t < sentence.length; t++) {
            if (sentence[t] >= 0) {
                context[t] = 1;
                label[t] = data.layout.sentenceAnswer()[sentence[t]] ? 1 : 0;
            }
        }
        NDArray tokenLoss = binaryCrossEntropy(out[0], scratch.create(label)).mul(scratch.create(context)).sum();
        NDArray rankLoss = binaryCrossEntropy(out[1], scratch.create(new float[] {data.answerBlock(b) ? 1 : 0})).sum();
        return new NDArray[] {tokenLoss, rankLoss};
    }

    /** log(1 + e^z) - y z, computed stably. */
    static NDArray binaryCrossEntropy(NDArray logits, NDArray labels) {
        return logits.maximum(0).sub(logits.mul(labels)).add(logits.abs().neg().exp().add(1).log());
    }

    /** Token keep logits [L] and rank logit [1] of block b. */
    NDArray[] outputs(NDManager scratch, WikiQaBlocks data, int b) {
        long[] ids = data.blocks.get(b).ids();
        NDArray frozen = frozen(scratch, data, b);
        NDArray bias = DjlBert.attentionBias(scratch.ones(new Shape(1, ids.length)));
        NDArray h = bert.forward(frozen, bias, firstTrained, bert.layers).squeeze(0);
        return heads.forward(h, data.queryPrefix(b));
    }

    /**
     * The frozen part's output [1, L, D] for block b: cached for data seen more than once (dev at every evaluation,
     * train when there is more than one epoch), else computed into {@code scratch} (one epoch would only fill memory).
     */
    private NDArray frozen(NDManager scratch, WikiQaBlocks data, int b) {
        if (data == trainingData && settings.epochs() <= 1) {
            return computeFrozen(scratch, data, b);
        }
        NDArray cached = frozenCache.computeIfAbsent(data, d -> new HashMap<>())
                .computeIfAbsent(b, k -> computeFrozen(cacheManager, data, k));
        // an operation's result lives in its first operand's manager: give the pass a copy in scratch, or every
        // intermediate of every pass would pile up in the cache's manager
        NDArray copy = cached.duplicate();
        copy.attach(scratch);
        return copy;
    }

    /** Embeddings and the frozen layers for block b, the result in {@code into} and the intermediates freed. */
    private NDArray computeFrozen(NDManager into, WikiQaBlocks data, int b) {
        try (NDManager work = manager.newSubManager()) {
            long[] ids = data.blocks.get(b).ids();
            NDArray x = bert.embed(work.create(ids, new Shape(1, ids.length)));
            NDArray out = bert.forward(x, DjlBert.attentionBias(work.ones(new Shape(1, ids.length))), 0, firstTrained);
            out.attach(into);
            return out;
        }
    }

    /** Dev sentence scores (runtime aggregation), their answer-ranking metrics and the mean token loss. */
    DevScores evaluate(WikiQaBlocks data) {
        WikiQaBlocks.Scores scores = data.score(blockOutputs(data, data.blocks.size()));
        return new DevScores(scores.sentenceScores(), data.layout.ranking(scores.sentenceScores(), null), scores.tokenLoss());
    }

    /** Keep-probs and rank logits of the first {@code count} blocks of {@code data}, as the exported graph returns them. */
    List<TokenKeepModel.BlockOutput> blockOutputs(WikiQaBlocks data, int count) {
        List<TokenKeepModel.BlockOutput> out = new ArrayList<>(count);
        for (int b = 0; b < count; b++) {
            try (NDManager scratch = manager.newSubManager()) {
                NDArray[] o = outputs(scratch, data, b);
                float[] logits = o[0].toFloatArray();
                double[] p = new double[logits.length];
                for (int t = 0; t < p.length; t++) {
                    p[t] = 1 / (1 + Math.exp(-logits[t]));
                }
                out.add(new TokenKeepModel.BlockOutput(o[1].getFloat(), p));
            }
        }
        return out;
    }

    /** Current trainable weights (encoder layers and heads). */
    Map<String, float[]> trainableValues() {
        Map<String, float[]> out = new LinkedHashMap<>();
        trainable.forEach((n, a) -> out.put(n, a.toFloatArray()));
        return out;
    }

    TrainingCheckpoint checkpoint(long step, int epoch, int position, double seconds, double best) {
        Map<String, float[]> first = new LinkedHashMap<>();
        Map<String, float[]> second = new LinkedHashMap<>();
        optimiser.first.forEach((n, a) -> first.put(n, a.toFloatArray()));
        optimiser.second.forEach((n, a) -> second.put(n, a.toFloatArray()));
        return new TrainingCheckpoint(settings.describe(), step, epoch, position, seconds, best, trainableValues(), first, second);
    }

    /** Loads weights (and, when present, optimiser moments) from a checkpoint of the same settings. */
    void restore(TrainingCheckpoint c) {
        if (!c.settings().equals(settings.describe())) {
            throw new IllegalArgumentException("checkpoint settings differ:\n  checkpoint: " + c.settings() + "\n  this run:   "
                    + settings.describe());
        }
        c.weights().forEach((n, v) -> set(trainable.get(n), v));
        c.first().forEach((n, v) -> set(optimiser.first.get(n), v));
        c.second().forEach((n, v) -> set(optimiser.second.get(n), v));
        optimiser.steps = c.step();
    }

    /**
     * Copies {@code values} into {@code target}'s own storage (DJL's {@code set(float[])} would instead swap in a
     * storage owned by a Java buffer; see {@link AdamW}'s gradient clearing).
     */
    private void set(NDArray target, float[] values) {
        try (NDManager scratch = manager.newSubManager()) {
            target.set(new ai.djl.ndarray.index.NDIndex(":"), scratch.create(values, target.getShape()));
        }
    }

    /**
     * Highest threshold whose answer kept on {@code data} is at least {@code target}, on a fine log grid from
     * 1e-4 to 0.99 (a fine-tuned model's scores can crowd into a narrow band); the lowest grid value if none.
     * Answer kept only falls as the threshold rises, so the first grid value from the top that reaches the target
     * is the one.
     */
    static double calibrate(WikiQaBlocks data, double[] scores, double target) {
        int steps = 400;
        double low = Math.log(1e-4);
        double high = Math.log(0.99);
        for (int i = steps; i > 0; i--) {
            double t = Math.exp(low + (high - low) * i / steps);
            if (data.layout.metrics(scores, null, t).answerKept() >= target) {
                return t;
            }
        }
        return Math.exp(low);
    }

    static void appendLine(Path file, String header, String line) throws IOException {
        boolean fresh = !Files.exists(file);
        try (PrintStream out = new PrintStream(Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND),
                true, java.nio.charset.StandardCharsets.UTF_8)) {
            if (fresh) {
                out.println(header);
            }
            out.println(line);
        }
    }

    static String metricsLine(PruningEvaluation.Metrics m) {
        return String.format(Locale.ROOT, "t=%.3f kept=%.3f comp=%.3f irr=%.3f", m.threshold(), m.answerKept(), m.compression(),
                m.irrelevantRemoved());
    }

    static Progress progress(long total, long done) {
        return new Progress(System.err, total, done, "steps", System.console() != null);
    }

    static int[] slice(int[] order, int from, int to) {
        return Arrays.copyOfRange(order, from, Math.min(order.length, to));
    }
}
