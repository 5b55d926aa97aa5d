package dev.shears.tools.train;

import ai.djl.ndarray.NDManager;
import dev.shears.eval.PruningEvaluation;
import dev.shears.eval.WikiQa;
import dev.shears.onnx.TextTokenizer;
import dev.shears.tools.CommandLine;
import dev.shears.tools.eval.WikiQaBlocks;
import dev.shears.tools.reasoning.Progress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code train-provence <WikiQA-train.tsv.gz> --dev <WikiQA-dev.tsv.gz> --work DIR [--max-length 256]
 * [--train-layers 4] [--epochs 1] [--batch 4] [--lr 3e-5] [--head-lr 1e-3] [--warmup 0.06] [--weight-decay 0.01]
 * [--rank-weight 0.2] [--seed 42] [--limit N] [--unanswerable-share 1] [--clip-norm 0] [--checkpoint-minutes 5] [--max-steps N] [--target-answer-kept 0.95] [--trace-gradients true]}
 *
 * <p>Fine-tunes bge-small-en-v1.5 (fp32 weights from the LangChain4j jar) as a Provence-style pruner on WikiQA
 * train in DJL on PyTorch's CPU runtime ({@link ProvenceTrainer}). Writes into DIR: {@code checkpoint.bin}
 * (every {@code --checkpoint-minutes} and at the end; a rerun with the same settings resumes from it),
 * {@code best.bin} (weights of the best dev MAP so far: dev is used only for this early-stopping choice and the
 * threshold), {@code loss.tsv} (every step: losses, learning rate, gradient norm before clipping),
 * {@code gradients.tsv} (with {@code --trace-gradients true}: every step's gradient norm per trained layer and
 * for the heads), {@code curve.tsv} (dev quality at every checkpoint against training
 * time) and {@code progress.log}. Export with {@code export-provence}. Run with {@code -Dai.djl.offline=true}.
 */
public final class TrainProvenceCommand {

    static final String USAGE = "usage: train-provence <WikiQA-train.tsv.gz> --dev <WikiQA-dev.tsv.gz> --work DIR [--max-length 256]"
            + " [--train-layers 4] [--epochs 1] [--batch 4] [--lr 3e-5] [--head-lr 1e-3] [--warmup 0.06] [--weight-decay 0.01]"
            + " [--rank-weight 0.2] [--seed 42] [--limit N] [--unanswerable-share 1] [--clip-norm 0] [--checkpoint-minutes 5] [--max-steps N] [--target-answer-kept 0.95]"
            + " [--trace-gradients true]";

    static final List<String> OPTIONS = List.of("dev", "work", "max-length", "train-layers", "epochs", "batch", "lr", "head-lr",
            "warmup", "weight-decay", "rank-weight", "seed", "limit", "unanswerable-share", "clip-norm", "checkpoint-minutes", "max-steps", "target-answer-kept",
            "trace-gradients");

    /** Consecutive steps with a non-finite gradient (each skipped) after which the run stops. */
    static final int MAX_REFUSED_IN_A_ROW = 3;

    private TrainProvenceCommand() {}

    public static void main(String[] args) throws Exception {
        CommandLine.exitOnMisuse(USAGE, () -> {
            CommandLine cli = new CommandLine(args, OPTIONS);
            if (cli.positional.size() != 1 || cli.get("dev", null) == null || cli.get("work", null) == null) {
                throw new IllegalArgumentException("train data, --dev and --work are required");
            }
            run(cli);
        });
    }

    static ProvenceTrainer.Settings settings(CommandLine cli) {
        return new ProvenceTrainer.Settings(Integer.parseInt(cli.get("max-length", "256")),
                Integer.parseInt(cli.get("train-layers", "4")), Integer.parseInt(cli.get("epochs", "1")),
                Integer.parseInt(cli.get("batch", "4")), Double.parseDouble(cli.get("lr", "3e-5")),
                Double.parseDouble(cli.get("head-lr", "1e-3")), Double.parseDouble(cli.get("warmup", "0.06")),
                Double.parseDouble(cli.get("weight-decay", "0.01")), Double.parseDouble(cli.get("rank-weight", "0.2")),
                Long.parseLong(cli.get("seed", "42")), Integer.parseInt(cli.get("limit", "0")),
                Double.parseDouble(cli.get("unanswerable-share", "1")), Double.parseDouble(cli.get("clip-norm", "0")));
    }

    /**
     * The training questions: the first {@code --limit} (all when 0), of which every answerable one and a seeded
     * {@code --unanswerable-share} of the others.
     */
    static List<WikiQa.Question> trainQuestions(String file, ProvenceTrainer.Settings s) throws java.io.IOException {
        java.util.Random random = new java.util.Random(s.seed());
        return questions(file, s.trainQuestions()).stream()
                .filter(q -> random.nextDouble() < s.unanswerableShare() || q.answerable()).toList();
    }

    /** Train (or dev) questions, the first {@code limit} when positive. */
    static List<WikiQa.Question> questions(String file, int limit) throws java.io.IOException {
        List<WikiQa.Question> q = WikiQa.read(Path.of(file));
        return limit > 0 && limit < q.size() ? q.subList(0, limit) : q;
    }

    static void run(CommandLine cli) throws Exception {
        System.setProperty("ai.djl.offline", System.getProperty("ai.djl.offline", "true"));
        ProvenceTrainer.Settings s = settings(cli);
        Path work = Path.of(cli.get("work", null));
        Files.createDirectories(work);
        double checkpointSeconds = 60 * Double.parseDouble(cli.get("checkpoint-minutes", "5"));
        long maxSteps = Long.parseLong(cli.get("max-steps", "0"));
        double target = Double.parseDouble(cli.get("target-answer-kept", "0.95"));
        boolean traceGradients = Boolean.parseBoolean(cli.get("trace-gradients", "false"));
        WikiQaBlocks train;
        WikiQaBlocks dev;
        try (TextTokenizer tokenizer = TextTokenizer.fromJson(Fp32Bge.tokenizer(), Fp32Bge.ID)) {
            train = WikiQaBlocks.pack(trainQuestions(cli.positional.get(0), s), tokenizer, s.maxLength());
            dev = WikiQaBlocks.pack(questions(cli.get("dev", null), 0), tokenizer, s.maxLength());
        }
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            ProvenceTrainer trainer = new ProvenceTrainer(manager, BertWeights.fromOnnx(Fp32Bge.model()), s);
            Path checkpointFile = work.resolve("checkpoint.bin");
            long step = 0;
            int epoch = 0;
            int position = 0;
            double trainSeconds = 0;
            double best = Double.NaN;
            if (Files.exists(checkpointFile)) {
                TrainingCheckpoint c = TrainingCheckpoint.read(checkpointFile);
                trainer.restore(c);
                step = c.step();
                epoch = c.epoch();
                position = c.position();
                trainSeconds = c.trainSeconds();
                best = c.bestScore();
                System.err.printf(Locale.ROOT, "resumed from %s: step %d, epoch %d, block %d, %.0f s trained%n", checkpointFile,
                        step, epoch, position, trainSeconds);
            }
            int perEpoch = trainer.stepsPerEpoch(train.blocks.size());
            long total = (long) perEpoch * s.epochs();
            System.err.printf(Locale.ROOT, "train: %d questions, %d blocks; dev: %d questions, %d blocks; %d steps of %d blocks;"
                    + " training layers %d-%d and the heads (%d weights); %s%n", train.layout.questions(), train.blocks.size(),
                    dev.layout.questions(), dev.blocks.size(), total, s.batch(), trainer.firstTrained, trainer.bert.layers - 1,
                    trainer.trainableParameters(), s.describe());
            if (step == 0) {
                best = evaluate(trainer, dev, work, step, 0, trainSeconds, best, target);
            }
            Progress progress = ProvenceTrainer.progress(total, step);
            long lastCheckpoint = System.nanoTime();
            double recentLoss = Double.NaN;
            int refusedInARow = 0;
            while (epoch < s.epochs() && (maxSteps <= 0 || step < maxSteps)) {
                int[] order = trainer.order(train.blocks.size(), epoch);
                while (position < order.length && (maxSteps <= 0 || step < maxSteps)) {
                    long started = System.nanoTime();
                    long current = step + 1;
                    java.util.function.Consumer<double[]> trace = !traceGradients ? null : norms -> appendGradients(work, trainer,
                            current, norms);
                    double[] loss;
                    try {
                        loss = trainer.step(train, ProvenceTrainer.slice(order, position, position + s.batch()), step, total, trace);
                        refusedInARow = 0;
                    } catch (AdamW.NonFiniteGradient e) {
                        // skip the batch, as mixed-precision loss scaling does; a run that keeps producing them is broken
                        if (++refusedInARow >= MAX_REFUSED_IN_A_ROW) {
                            throw new IllegalStateException(refusedInARow + " steps in a row up to step " + current
                                    + " had a non-finite gradient (last in " + e.parameters + "); the weights are unchanged since"
                                    + " the last good step, and " + checkpointFile + " and best.bin hold the last saved state", e);
                        }
                        System.err.printf(Locale.ROOT, "%nstep %d skipped: non-finite gradient in %s%n", current, e.parameters);
                        loss = new double[] {Double.NaN, Double.NaN, Double.NaN};
                    }
                    trainSeconds += (System.nanoTime() - started) / 1e9;
                    if (refusedInARow == 0 && !Double.isFinite(loss[0] + loss[1])) {
                        // the update is already in memory; stop before any checkpoint could keep it
                        throw new IllegalStateException("non-finite loss at step " + current + " (token " + loss[0] + ", rank "
                                + loss[1] + "); " + checkpointFile + " and best.bin hold the last good state");
                    }
                    position += s.batch();
                    double lr = trainer.learningRate(step, total, false);
                    step++;
                    if (refusedInARow == 0) {
                        recentLoss = Double.isNaN(recentLoss) ? loss[0] : 0.98 * recentLoss + 0.02 * loss[0];
                    }
                    ProvenceTrainer.appendLine(work.resolve("loss.tsv"), "step\tepoch\ttrain_seconds\tlr\ttoken_loss\trank_loss\tgrad_norm",
                            String.format(Locale.ROOT, "%d\t%d\t%.1f\t%.3g\t%.5f\t%.5f\t%.4g", step, epoch, trainSeconds, lr, loss[0],
                                    loss[1], loss[2]));
                    progress.note(String.format(Locale.ROOT, "token loss %.4f (smoothed), epoch %d", recentLoss, epoch));
                    progress.step(refusedInARow > 0);
                    if (System.nanoTime() - lastCheckpoint >= checkpointSeconds * 1e9) {
                        double epochs = epoch + (double) Math.min(position, order.length) / order.length;
                        best = evaluate(trainer, dev, work, step, epochs, trainSeconds, best, target);
                        trainer.checkpoint(step, epoch, position, trainSeconds, best).write(checkpointFile);
                        lastCheckpoint = System.nanoTime();
                    }
                }
                if (position >= order.length) {
                    epoch++;
                    position = 0;
                }
            }
            progress.finish();
            double epochs = epoch + (double) position / Math.max(1, train.blocks.size());
            best = evaluate(trainer, dev, work, step, epochs, trainSeconds, best, target);
            trainer.checkpoint(step, epoch, position, trainSeconds, best).write(checkpointFile);
            System.err.printf(Locale.ROOT, "done: %d steps, %.0f s of training; best dev MAP %.4f (best.bin)%n", step, trainSeconds, best);
        }
    }

    private static void appendGradients(Path work, ProvenceTrainer trainer, long step, double[] norms) {
        StringBuilder row = new StringBuilder(Long.toString(step));
        for (double n : norms) {
            row.append('\t').append(String.format(Locale.ROOT, "%.4g", n));
        }
        try {
            ProvenceTrainer.appendLine(work.resolve("gradients.tsv"), "step\t" + String.join("\t", trainer.gradientGroups()),
                    row.toString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * Evaluates on dev, appends a learning-curve row, and saves best.bin when dev MAP improved; returns the best
     * MAP so far.
     */
    static double evaluate(ProvenceTrainer trainer, WikiQaBlocks dev, Path work, long step, double epochs, double trainSeconds,
            double best, double target) throws Exception {
        long started = System.nanoTime();
        ProvenceTrainer.DevScores d = trainer.evaluate(dev);
        double threshold = ProvenceTrainer.calibrate(dev, d.sentenceScores(), target);
        PruningEvaluation.Metrics at = dev.layout.metrics(d.sentenceScores(), null, threshold);
        List<String> sweep = new ArrayList<>();
        for (double t : new double[] {0.05, 0.1, 0.2, 0.3, 0.5}) {
            sweep.add(ProvenceTrainer.metricsLine(dev.layout.metrics(d.sentenceScores(), null, t)));
        }
        boolean improved = Double.isNaN(best) || d.ranking().map() > best;
        String row = String.format(Locale.ROOT, "%d\t%.3f\t%.0f\t%.4f\t%.4f\t%.4f\t%.3f\t%.3f\t%.3f\t%.3f\t%s\t%s", step, epochs,
                trainSeconds, d.loss(), d.ranking().map(), d.ranking().mrr(), threshold, at.answerKept(), at.compression(),
                at.irrelevantRemoved(), improved ? "best" : "", String.join(" | ", sweep));
        ProvenceTrainer.appendLine(work.resolve("curve.tsv"), "step\tepochs\ttrain_seconds\tdev_token_loss\tdev_map\tdev_mrr"
                + "\tthreshold(answer_kept>=" + target + ")\tanswer_kept\tcompression\tirrelevant_removed\tbest\tsweep", row);
        System.err.printf(Locale.ROOT, "%ndev at step %d (%.0f s trained, evaluated in %.0f s): MAP %.4f MRR %.4f loss %.4f;"
                + " at %.3f: kept %.3f compression %.3f irrelevant removed %.3f%s%n", step, trainSeconds,
                (System.nanoTime() - started) / 1e9, d.ranking().map(), d.ranking().mrr(), d.loss(), threshold, at.answerKept(),
                at.compression(), at.irrelevantRemoved(), improved ? " (best so far)" : "");
        if (improved) {
            TrainingCheckpoint c = trainer.checkpoint(step, 0, 0, trainSeconds, d.ranking().map());
            new TrainingCheckpoint(c.settings(), step, (int) epochs, 0, trainSeconds, d.ranking().map(), c.weights(),
                    java.util.Map.of(), java.util.Map.of()).write(work.resolve("best.bin"));
            return d.ranking().map();
        }
        return best;
    }
}
