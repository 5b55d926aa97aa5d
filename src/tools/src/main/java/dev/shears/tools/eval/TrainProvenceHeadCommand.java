package dev.shears.tools.eval;

import dev.shears.tools.CommandLine;

import dev.shears.onnx.encoder.OfflineModels;

import dev.shears.eval.PruningEvaluation;
import dev.shears.eval.WikiQa;

import dev.shears.onnx.ModelLocation;
import dev.shears.onnx.ModelManifest;
import dev.shears.onnx.graph.ProvenceHeadGraph;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntUnaryOperator;

/**
 * {@code TrainProvenceHeadCommand <wikiqa-train.tsv[.gz]> --out DIR [--encoder LOCATION] [--limit N]
 * [--hidden 0|H] [--epochs N] [--token-stride K] [--gate true|false] [--seed S] [--cache FILE]
 * [--dev wikiqa-dev.tsv[.gz]] [--dev-cache FILE] [--target-answer-kept 0.96]}
 *
 * <p>Trains Provence heads on a frozen encoder (default: the embedded bge-small-en-v1.5 int8): features from
 * {@link ProvenceFeatures}, a token keep head and a block rank head fitted with {@link HeadTrainer} on 90% of the
 * training questions, the default threshold calibrated on the other 10% (highest threshold whose answer kept
 * is at least the target), then the heads appended to the encoder graph ({@link ProvenceHeadGraph}) and written
 * with the tokenizer and a {@code task: "provence"} manifest to DIR. With {@code --dev} it prints a sweep on
 * the dev split for reporting only. Deterministic for a given data set, settings and seed.
 */
public final class TrainProvenceHeadCommand {

    static final String USAGE = "usage: TrainProvenceHeadCommand <wikiqa-train.tsv[.gz]> --out DIR [--encoder LOCATION] [--limit N]"
            + " [--hidden 0|H] [--epochs N] [--token-stride K] [--gate true|false] [--seed S] [--cache FILE] [--dev FILE]"
            + " [--dev-cache FILE] [--target-answer-kept 0.96]";

    public static void main(String[] args) throws Exception {
        CommandLine cli = new CommandLine(args, List.of("out", "encoder", "limit", "hidden", "epochs", "token-stride", "gate",
                "seed", "cache", "dev", "dev-cache", "target-answer-kept", "lr", "l2"));
        if (cli.positional.size() != 1 || cli.get("out", null) == null) {
            System.err.println(USAGE);
            System.exit(2);
        }
        Settings s = new Settings(Path.of(cli.positional.get(0)), Path.of(cli.get("out", null)),
                cli.get("encoder", OfflineModels.DEFAULT_MODEL), Integer.parseInt(cli.get("limit", "0")),
                Integer.parseInt(cli.get("hidden", "0")), Integer.parseInt(cli.get("epochs", "4")),
                Integer.parseInt(cli.get("token-stride", "1")), Boolean.parseBoolean(cli.get("gate", "true")),
                Long.parseLong(cli.get("seed", "42")), Double.parseDouble(cli.get("target-answer-kept", "0.96")),
                Double.parseDouble(cli.get("lr", "0.001")), Double.parseDouble(cli.get("l2", "0.0001")),
                cli.get("cache", null), cli.get("dev", null), cli.get("dev-cache", null));
        train(s);
    }

    /** Everything that determines the result; recorded in the manifest. */
    record Settings(Path data, Path out, String encoder, int limit, int hidden, int epochs, int tokenStride, boolean gate,
            long seed, double targetAnswerKept, double lr, double l2, String cache, String dev, String devCache) {}

    static final int MAX_LENGTH = 512;
    static final int BATCH = 256;
    static final int RANK_EPOCHS = 60;
    static final double RANK_L2 = 0.01;

    /** What a training run produced: the default threshold, and the Java-side sentence scores of the training questions. */
    record Result(double threshold, FeatureEval trainScores) {}

    /** Trains and writes the model directory. */
    static Result train(Settings s) throws Exception {
        List<WikiQa.Question> questions = WikiQa.read(s.data());
        if (s.limit() > 0 && s.limit() < questions.size()) {
            questions = questions.subList(0, s.limit());
        }
        ProvenceFeatures f = ProvenceFeatures.loadOrExtract(questions, s.encoder(), MAX_LENGTH,
                s.cache() == null ? null : Path.of(s.cache()));
        System.err.printf("features: %d questions, %d blocks, %d context tokens%n", f.questions(), f.blocks(), f.tokens());
        boolean[] calibration = new boolean[f.questions()];
        for (int q = 0; q < calibration.length; q++) {
            calibration[q] = q % 10 == 9;
        }
        int dim = f.dim;
        HeadTrainer.Rows tokenRows = tokenRows(f);
        List<Integer> tokenIndex = new ArrayList<>();
        for (int t = 0; t < f.tokens(); t += s.tokenStride()) {
            if (!calibration[f.blockQuestion[f.tokenBlock[t]]]) {
                tokenIndex.add(t);
            }
        }
        HeadTrainer token = new HeadTrainer(3 * dim, s.hidden(), s.seed());
        token.standardise(tokenRows);
        long started = System.nanoTime();
        System.err.printf("token head (%s) on %d tokens%n", s.hidden() == 0 ? "linear" : "mlp " + s.hidden(), tokenIndex.size());
        token.fit(tokenRows, tokenIndex.stream().mapToInt(Integer::intValue).toArray(), s.epochs(), BATCH, s.lr(), s.l2(), s.seed());
        HeadTrainer.Rows rankRows = rankRows(f);
        List<Integer> blockIndex = new ArrayList<>();
        for (int b = 0; b < f.blocks(); b++) {
            if (!calibration[f.blockQuestion[b]]) {
                blockIndex.add(b);
            }
        }
        HeadTrainer rank = new HeadTrainer(3 * dim, 0, s.seed());
        rank.standardise(rankRows);
        System.err.printf("rank head on %d blocks%n", blockIndex.size());
        rank.fit(rankRows, blockIndex.stream().mapToInt(Integer::intValue).toArray(), RANK_EPOCHS, 64, s.lr(), RANK_L2, s.seed());
        double trainSeconds = (System.nanoTime() - started) / 1e9;

        double[] sweep = sweepThresholds();
        double chosen = sweep[0];
        FeatureEval cal = new FeatureEval(f, token, rank, s.gate(), calibration);
        for (PruningEvaluation.Metrics m : printSweep("calibration split (10% of train questions, held out from fitting):", cal, sweep)) {
            if (m.answerKept() >= s.targetAnswerKept()) {
                chosen = Math.max(chosen, m.threshold());
            }
        }
        System.out.printf(Locale.ROOT, "default threshold: %.3f%n", chosen);
        if (s.dev() != null) {
            List<WikiQa.Question> dev = WikiQa.read(Path.of(s.dev()));
            ProvenceFeatures df = ProvenceFeatures.loadOrExtract(dev, s.encoder(), MAX_LENGTH,
                    s.devCache() == null ? null : Path.of(s.devCache()));
            for (boolean gate : new boolean[] {false, true}) {
                printSweep("dev (gold sentences, reporting only), gate=" + gate + ":", new FeatureEval(df, token, rank, gate, null), sweep);
            }
        }
        write(s, f, token, rank, chosen, trainSeconds);
        return new Result(chosen, new FeatureEval(f, token, rank, s.gate(), null));
    }

    static double[] sweepThresholds() {
        return new double[] {0.001, 0.002, 0.003, 0.005, 0.007, 0.01, 0.015, 0.02, 0.03, 0.05, 0.07, 0.1, 0.13, 0.16, 0.2, 0.3, 0.4, 0.5};
    }

    /** Prints a title, the metrics header and one row per threshold; returns the rows' metrics. */
    private static List<PruningEvaluation.Metrics> printSweep(String title, FeatureEval eval, double[] sweep) {
        System.out.println(title);
        System.out.println(PruningEvaluation.Metrics.header());
        List<PruningEvaluation.Metrics> out = new ArrayList<>(sweep.length);
        for (double t : sweep) {
            PruningEvaluation.Metrics m = eval.metrics(t);
            System.out.println(m.row());
            out.add(m);
        }
        return out;
    }

    /** Token rows: {@code [h_t, h_t ⊙ h_cls, h_t ⊙ q]}, label = token of an answer sentence. */
    static HeadTrainer.Rows tokenRows(ProvenceFeatures f) {
        int dim = f.dim;
        return featureRows(f.tokens(), dim, (i, out) -> {
            int b = f.tokenBlock[i];
            for (int d = 0; d < dim; d++) {
                float h = f.hidden[i * dim + d];
                out[d] = h;
                out[dim + d] = h * f.cls[b * dim + d];
                out[2 * dim + d] = h * f.query[b * dim + d];
            }
        }, i -> f.tokenLabel[i]);
    }

    /** Block rows: {@code [h_cls, q, h_cls ⊙ q]}, label = block holds an answer token. */
    static HeadTrainer.Rows rankRows(ProvenceFeatures f) {
        int dim = f.dim;
        return featureRows(f.blocks(), dim, (b, out) -> {
            for (int d = 0; d < dim; d++) {
                float c = f.cls[b * dim + d];
                float q = f.query[b * dim + d];
                out[d] = c;
                out[dim + d] = q;
                out[2 * dim + d] = c * q;
            }
        }, b -> f.blockLabel[b]);
    }

    /** Writes row {@code i}'s raw features into {@code out}. */
    private interface RowWriter {
        void write(int i, float[] out);
    }

    /** {@code count} rows of {@code 3 * dim} features each. */
    private static HeadTrainer.Rows featureRows(int count, int dim, RowWriter writer, IntUnaryOperator label) {
        return new HeadTrainer.Rows() {
            public int count() {
                return count;
            }

            public int dim() {
                return 3 * dim;
            }

            public void row(int i, float[] out) {
                writer.write(i, out);
            }

            public int label(int i) {
                return label.applyAsInt(i);
            }
        };
    }

    /** Metrics straight from cached features on the gold WikiQA sentences (MEAN_PROB rounding), for fast sweeps. */
    static final class FeatureEval {
        final ProvenceFeatures f;
        final double[] sentenceScore;
        final boolean[] include;

        FeatureEval(ProvenceFeatures f, HeadTrainer token, HeadTrainer rank, boolean gate, boolean[] include) {
            this.f = f;
            this.include = include;
            HeadTrainer.Rows tr = tokenRows(f);
            HeadTrainer.Rows rr = rankRows(f);
            double[] gateProb = new double[f.blocks()];
            float[] x = new float[3 * f.dim];
            for (int b = 0; b < f.blocks(); b++) {
                rr.row(b, x);
                gateProb[b] = gate ? 1 / (1 + Math.exp(-rank.logit(x))) : 1;
            }
            double[] sum = new double[f.layout.sentences()];
            int[] n = new int[sum.length];
            for (int t = 0; t < f.tokens(); t++) {
                tr.row(t, x);
                double p = 1 / (1 + Math.exp(-token.logit(x))) * gateProb[f.tokenBlock[t]];
                sum[f.tokenSentence[t]] += p;
                n[f.tokenSentence[t]]++;
            }
            sentenceScore = new double[sum.length];
            for (int i = 0; i < sum.length; i++) {
                sentenceScore[i] = n[i] == 0 ? 0 : sum[i] / n[i];
            }
        }

        /** Metrics with sentence i kept when its score is above {@code t}; title sentences do not count. */
        PruningEvaluation.Metrics metrics(double t) {
            return f.layout.metrics(sentenceScore, include, t);
        }
    }

    private static void write(Settings s, ProvenceFeatures f, HeadTrainer token, HeadTrainer rank, double threshold,
            double trainSeconds) throws Exception {
        ModelLocation location = ModelLocation.parse(s.encoder());
        ModelManifest encoderManifest = location.manifest();
        byte[] encoder = location.readVerified(encoderManifest, ModelManifest.MODEL);
        byte[] tokenizer = location.readVerified(encoderManifest, ModelManifest.TOKENIZER);
        int dim = f.dim;
        float[] w1 = token.foldedW1();
        double[] b1 = token.foldedB1();
        float[] b1f = new float[s.hidden()];
        float[] w2 = new float[s.hidden()];
        float b2;
        if (s.hidden() == 0) {
            b2 = (float) b1[0];
        } else {
            for (int h = 0; h < s.hidden(); h++) {
                b1f[h] = (float) b1[h];
                w2[h] = (float) token.w2[h];
            }
            b2 = (float) token.b2;
        }
        ProvenceHeadGraph.Heads heads = new ProvenceHeadGraph.Heads(dim, s.hidden(), w1, b1f, w2, b2, rank.foldedW1(),
                (float) rank.foldedB1()[0], s.gate());
        byte[] graph = ProvenceHeadGraph.append(encoder, "last_hidden_state", ProvenceModelFiles.separatorId(tokenizer), heads);
        Map<String, Object> training = new LinkedHashMap<>();
        training.put("data", s.data().getFileName().toString() + " (Microsoft Research WikiQA, research-use licence)");
        training.put("questions", f.questions());
        training.put("fit_questions", "question index % 10 != 9");
        training.put("calibration_questions", "question index % 10 == 9");
        training.put("blocks", f.blocks());
        training.put("context_tokens", f.tokens());
        training.put("token_stride", s.tokenStride());
        training.put("labels", "token of an answer sentence = 1, other context tokens (title included) = 0; query and specials excluded");
        training.put("token_features", "[h_t, h_t*h_cls, h_t*mean(h over [CLS]+query)] from frozen last_hidden_state");
        training.put("token_head", s.hidden() == 0 ? "logistic regression" : "MLP, one ReLU layer of " + s.hidden());
        training.put("rank_features", "[h_cls, q, h_cls*q], label = block holds an answer token");
        training.put("rank_head", "logistic regression, " + RANK_EPOCHS + " epochs, batch 64, L2 " + RANK_L2);
        training.put("optimiser", String.format(Locale.ROOT, "Adam lr %s, batch %d, %d epochs, L2 %s, standardised features folded into the weights",
                s.lr(), BATCH, s.epochs(), s.l2()));
        training.put("gate", s.gate() ? "token keep-prob multiplied by sigmoid(rank logit)" : "none");
        training.put("seed", s.seed());
        training.put("threshold_rule", "highest threshold of the sweep with answer kept >= " + s.targetAnswerKept()
                + " on the calibration questions");
        training.put("train_seconds", Math.round(trainSeconds));
        training.put("command", "java -jar src/tools/target/shears-tools.jar train-provence-head "
                + s.data() + " --out " + s.out() + " --hidden " + s.hidden() + " --epochs " + s.epochs() + " --token-stride "
                + s.tokenStride() + " --gate " + s.gate() + " --seed " + s.seed() + (s.limit() > 0 ? " --limit " + s.limit() : ""));
        ProvenceModelFiles.write(s.out(), graph, tokenizer, new ProvenceModelFiles.Description("bge-small-provence-wikiqa",
                "Provence-style dual-head pruner: frozen " + encoderManifest.id() + " encoder with a token keep head"
                        + " and a rank head trained on WikiQA-train (research-use data licence, see training.data)",
                Map.of("encoder", encoderManifest.id(), "encoder_license", "MIT",
                        "heads", "trained by dev.shears.tools.eval.TrainProvenceHeadCommand"),
                dim, MAX_LENGTH, threshold, training));
        System.err.printf("wrote %s (%d bytes model)%n", s.out(), graph.length);
    }
}
