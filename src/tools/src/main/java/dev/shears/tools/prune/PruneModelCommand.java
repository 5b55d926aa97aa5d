package dev.shears.tools.prune;

import ai.onnx.proto.OnnxMl.ModelProto;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shears.eval.WikiQa;
import dev.shears.onnx.ModelDirectory;
import dev.shears.onnx.ModelLocation;
import dev.shears.onnx.ModelManifest;
import dev.shears.onnx.encoder.EncoderModel;
import dev.shears.onnx.encoder.OfflineModels;
import dev.shears.onnx.graph.DynamicQuantization;
import dev.shears.onnx.graph.EmbeddingQuantization;
import dev.shears.onnx.prune.ActivationNorms;
import dev.shears.onnx.prune.EncoderBlock;
import dev.shears.onnx.prune.EncoderBlocks;
import dev.shears.onnx.prune.StructuredPruner;
import dev.shears.onnx.prune.LinearLayers;
import dev.shears.onnx.prune.ModelPruner;
import dev.shears.onnx.prune.PruneMethod;
import dev.shears.onnx.prune.Pruning;
import dev.shears.tools.CommandLine;
import dev.shears.tools.eval.FitHeadCommand;
import dev.shears.tools.train.EncoderDistillation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * {@code prune-model SRC OUT_DIR --method magnitude|magnitude-global|wanda [--sparsity 0.5] [--nm 2:4]
 * [--min-keep 0.1] [--calibration WikiQA-train.tsv.gz] [--calibration-sentences 256]
 * [--quantize int8 [--embeddings int8]] [--head-data WikiQA-train.tsv.gz] [--target-answer-kept 0.96]
 * [--manifest-template classpath:models/bge-small-en-v1.5-q]},
 * or {@code prune-model SRC OUT_DIR --method structured [--mlp-keep 0.5] [--heads-keep 1] [--layers-drop 0]
 * [--reconstruct layer] [--ridge 0.01] [--channel-step 32] [--calibration-sentences 1024]
 * [--distill-epochs 0] [--distill-sentences 8192] [--distill-lr 1e-4] [--distill-batch 32] [--distill-token-weight 1]
 * [--distill-texts served|sentences] [--quantize int8 [--embeddings int8]] [--head-data ...] ...} to remove whole
 * MLP channels, attention heads and blocks of a BERT-style encoder ({@link StructuredPruner}); it verifies the
 * reduced shapes instead of zeros. With {@code --distill-epochs N} the pruned fp32 encoder is then trained toward
 * the source on WikiQA-train questions and sentences ({@link EncoderDistillation}, DJL on PyTorch's CPU runtime)
 * before quantization; the sentences as the bi-encoder serves them ("Title. sentence"), or bare with
 * {@code --distill-texts sentences} (as before).
 *
 * <p>SRC is a model location with a manifest (directory or {@code classpath:models/ID}), or a directory holding
 * one {@code *.onnx} and one {@code *tokenizer.json} (e.g. the files of the fp32 LangChain4j bge jar), whose
 * manifest fields (pooling, inputs, head...) then come from the template. Writes OUT_DIR with
 * {@code model.onnx}, {@code tokenizer.json} and a manifest recording the pruning (method, sparsity,
 * calibration data, per-layer counts), the quantization, and the sha256 of each file; then reloads the result
 * with the encoder and checks that every layer has exactly the pruned count of zeros it should.
 *
 * <p>{@code --quantize int8} writes only the int8 graph ({@link DynamicQuantization}, the published model's
 * form, served with {@code rowwise_quantization}); its manifest records the sha256 of the fp32 graph it came
 * from, which the same command without {@code --quantize} rebuilds byte for byte. A pruned model keeps its
 * exact zero set in int8. {@code --embeddings int8} stores the word-embedding table as int8 rows as well (as the
 * published graph does; the file is about half the size), otherwise it stays fp32. With {@code --head-data} the
 * sentence head is re-fitted for the written model (as {@code fit-head} does) and stored in the manifest; without
 * it the source's head is copied, fitted for another model.
 *
 * <p>A source directory written by an earlier {@code prune-model} keeps its record: the new manifest's
 * {@code pruning} block nests the source's as {@code source_pruning}, and a run that prunes nothing (only
 * quantizes or re-fits the head: {@code --method magnitude --sparsity 0}) keeps the source's block as the model's,
 * with its own command added as {@code then}.
 */
public final class PruneModelCommand {

    private static final String USAGE = "usage: prune-model SRC OUT_DIR --method magnitude|magnitude-global|wanda"
            + " [--sparsity 0.5] [--nm 2:4] [--min-keep 0.1] [--calibration WikiQA-train.tsv.gz]"
            + " [--calibration-sentences 256] [--quantize int8 [--embeddings fp32|int8]] [--head-data WikiQA-train.tsv.gz]"
            + " [--target-answer-kept 0.96]"
            + " [--manifest-template classpath:models/bge-small-en-v1.5-q]\n"
            + "       prune-model SRC OUT_DIR --method structured [--mlp-keep 0.5] [--heads-keep 1.0]"
            + " [--layers-drop 0] [--reconstruct none|layer|layer-sequential|source] [--ridge 0.01] [--channel-step 32]"
            + " [--calibration WikiQA-train.tsv.gz] [--calibration-sentences 1024] [--distill-epochs 0]"
            + " [--distill-sentences 8192] [--distill-lr 1e-4] [--distill-batch 32] [--distill-token-weight 1]"
            + " [--distill-texts served|sentences] [--quantize int8 [--embeddings fp32|int8]] [--head-data ...] [--manifest-template ...]\n"
            + "  structured: each block keeps the given share of MLP channels and of attention heads (most important by"
            + " |W| x input norm), the blocks that change the hidden state least are removed, and the projections"
            + " after removed channels/heads are re-fitted by ridge least squares on calibration activations"
            + " (layer: to the layer's own output, one pass; layer-sequential: block by block on the inputs of the"
            + " already-pruned blocks; source: block by block, to the unpruned model's residual stream); --distill-epochs"
            + " then trains the pruned encoder toward the source ([CLS] and token-state cosine) on calibration-file"
            + " questions and sentences";
    private static final String STRUCTURED = "structured";

    private PruneModelCommand() {}

    public static void main(String[] args) throws Exception {
        CommandLine cli = new CommandLine(args, List.of("method", "sparsity", "nm", "min-keep", "calibration",
                "calibration-sentences", "quantize", "head-data", "target-answer-kept", "manifest-template", "mlp-keep",
                "heads-keep", "layers-drop", "reconstruct", "ridge", "channel-step", "distill-epochs", "distill-sentences",
                "distill-lr", "distill-batch", "distill-token-weight", "distill-texts", "embeddings"));
        String quantize = cli.get("quantize", "none");
        String embeddings = cli.get("embeddings", "fp32");
        if (cli.positional.size() != 2 || cli.get("method", null) == null || !List.of("none", "int8").contains(quantize)
                || !List.of("fp32", "int8").contains(embeddings) || embeddings.equals("int8") && !quantize.equals("int8")) {
            System.err.println(USAGE);
            System.exit(2);
        }
        boolean int8 = quantize.equals("int8");
        if (cli.get("method", null).equals(STRUCTURED)) {
            CommandLine.exitOnMisuse(USAGE, () -> structured(cli, args, int8));
        } else {
            CommandLine.exitOnMisuse(USAGE, () -> unstructured(cli, args, int8));
        }
    }

    /** {@code --method magnitude|magnitude-global|wanda}: see {@link ModelPruner}. */
    private static void unstructured(CommandLine cli, String[] args, boolean int8) throws Exception {
        PruneMethod method = PruneMethod.parse(cli.get("method", null));
        double sparsity = Double.parseDouble(cli.get("sparsity", "0.5"));
        double minKeep = Double.parseDouble(cli.get("min-keep", "0.1"));
        String nm = cli.get("nm", null);
        ModelPruner pruner;
        if (nm != null) {
            String[] p = nm.split(":");
            pruner = new ModelPruner(method, 1 - Double.parseDouble(p[0]) / Double.parseDouble(p[1]), minKeep,
                    Integer.parseInt(p[0]), Integer.parseInt(p[1]));
        } else {
            pruner = new ModelPruner(method, sparsity, minKeep, 0, 0);
        }
        Path out = Path.of(cli.positional.get(1));
        ObjectMapper json = new ObjectMapper().setSerializationInclusion(JsonInclude.Include.NON_NULL);

        // 1. stage the source (unpruned) into OUT_DIR so it can be loaded and tokenized with
        Staged staged = Staged.write(cli, out, json);
        Source src = staged.source();
        ObjectNode manifest = staged.manifest();

        ModelProto model = ModelProto.parseFrom(src.model);
        if (LinearLayers.find(model.getGraph()).isEmpty()) {
            ObjectNode sourceQuantization = staged.sourceBlock("quantization");
            if (sourceQuantization != null) {
                requantizeEmbeddings(cli, args, json, staged, model, sourceQuantization);
                return;
            }
            throw new IllegalArgumentException(cli.positional.get(0) + " has no float linear layer (MatMul or Gemm with an"
                    + " initializer weight) to prune; an int8 graph cannot be pruned: use its fp32 source");
        }

        // 2. calibration statistics (Wanda only)
        Map<String, float[]> norms = null;
        ObjectNode calibration = json.createObjectNode();
        if (method == PruneMethod.WANDA) {
            List<long[]> ids = calibrationIds(cli, out, 256, "one per pass", calibration);
            long t0 = System.nanoTime();
            norms = ActivationNorms.capture(model, LinearLayers.find(model.getGraph()), ids);
            System.err.printf("calibration: %d sentences in %.1f s%n", ids.size(), (System.nanoTime() - t0) / 1e9);
        }

        // 3. prune, quantize, write, pin
        ModelPruner.Result r = pruner.prune(model, norms);
        byte[] fp32 = r.model().toByteArray();
        DynamicQuantization.Result q = int8
                ? DynamicQuantization.quantize(r.model(), DynamicQuantization.REDUCED_RANGE, r.pruned() > 0) : null;
        Files.write(out.resolve("model.onnx"), int8 ? int8Bytes(q, cli) : fp32);
        ObjectNode pruning = json.createObjectNode();
        pruning.put("method", method.cliName()).put("sparsity", pruner.sparsity());
        if (pruner.nmN() > 0) {
            pruning.put("n_m", pruner.nmN() + ":" + pruner.nmM());
        }
        if (method == PruneMethod.MAGNITUDE_GLOBAL && pruner.nmN() == 0) {
            pruning.put("min_keep", minKeep);
        }
        if (!calibration.isEmpty()) {
            pruning.set("calibration", calibration);
        }
        pruning.put("source", src.description).put("source_model_sha256", ModelLocation.sha256(src.model));
        pruning.put("linear_layers", r.layers().size()).put("weights", r.total()).put("pruned", r.pruned())
                .put("achieved_sparsity", (double) r.pruned() / r.total());
        pruning.put("command", "prune-model " + String.join(" ", args));
        staged.putPruning(pruning, r.pruned() == 0);
        String base = src.manifest.id().replaceAll("-q$", "");
        String pruned = r.pruned() == 0 ? "" : "-" + method.cliName()
                + (pruner.nmN() > 0 ? "-" + pruner.nmN() + "of" + pruner.nmM() : "-" + Math.round(100 * sparsity));
        manifest.put("id", base + pruned + (int8 ? "-int8" : r.pruned() == 0 ? "-fp32" : ""));
        String headNote = cli.get("head-data", null) != null ? "sentence_head re-fitted for this model"
                : "sentence_head copied from the source, re-fit it for this model";
        manifest.put("description", (int8 ? "int8 (Shears' dynamic quantization) of " : "") + "fp32 " + base
                + " with " + r.pruned() + " of " + r.total() + " linear-layer weights pruned (" + method.cliName() + "); " + headNote);
        if (int8) {
            recordQuantization(manifest, q, fp32, r.pruned() > 0, cli);
        }
        writeManifest(json, out, manifest);

        // 4. verify: loads with the encoder, and the zeros are exactly as pruned
        verify(out, r, int8);
        System.out.printf("pruned %d of %d weights in %d layers (%.4f)%s -> %s%n", r.pruned(), r.total(),
                r.layers().size(), (double) r.pruned() / r.total(),
                int8 ? String.format(Locale.ROOT, ", int8 zeros %d (%.4f)", q.int8Zeros(), (double) q.int8Zeros() / q.weights()) : "", out);

        // 5. the head for this model
        fitHead(cli, args, json, out, manifest);
    }

    /**
     * SRC is already int8 (a {@code prune-model --quantize int8} directory: no float linear layer left, a
     * {@code quantization} block): nothing can be pruned, and {@code --quantize int8} only stores the word table
     * as int8 rows when {@code --embeddings int8} asks for it; the source's quantization record carries over.
     */
    private static void requantizeEmbeddings(CommandLine cli, String[] args, ObjectMapper json, Staged staged,
            ModelProto model, ObjectNode sourceQuantization) throws IOException {
        boolean nothingPruned = cli.get("nm", null) == null && Double.parseDouble(cli.get("sparsity", "0.5")) == 0;
        if (!nothingPruned || !cli.get("quantize", "none").equals("int8")) {
            throw new IllegalArgumentException(cli.positional.get(0) + " is already int8 (no float linear layer left): it"
                    + " cannot be pruned; prune its fp32 graph, or use --sparsity 0 --quantize int8 --embeddings int8 to store"
                    + " its word table as int8");
        }
        Path out = Path.of(cli.positional.get(1));
        ModelProto written = int8Embeddings(cli) ? EmbeddingQuantization.quantize(model) : model;
        Files.write(out.resolve("model.onnx"), written.toByteArray());
        ObjectNode manifest = staged.manifest();
        ObjectNode pruning = json.createObjectNode().put("method", "none").put("command", "prune-model " + String.join(" ", args));
        staged.putPruning(pruning, true);
        manifest.put("rowwise_quantization", true);
        ObjectNode quantization = sourceQuantization.deepCopy();
        if (int8Embeddings(cli)) {
            quantization.put("embeddings", embeddingsRecord(cli));
        }
        manifest.set("quantization", quantization);
        writeManifest(json, out, manifest);
        try (EncoderModel check = OfflineModels.encoder(out.toString())) {
            check.embedTexts(List.of("The written model loads and embeds."));
        }
        System.out.printf("int8 source, word table %s, %d -> %d bytes -> %s%n",
                int8Embeddings(cli) ? "stored as int8" : "as it was", staged.source().model.length,
                Files.size(out.resolve("model.onnx")), out);
        fitHead(cli, args, json, out, manifest);
    }

    private static String embeddingsRecord(CommandLine cli) {
        return int8Embeddings(cli) ? "word table int8, symmetric, one scale per row (EmbeddingQuantization);"
                + " position and token-type tables fp32" : "fp32";
    }

    /**
     * The int8 graph as written: with {@code --embeddings int8} the word-embedding table is stored as int8 rows too
     * ({@link EmbeddingQuantization}, as in the published graph: about half the file), else it stays fp32.
     */
    private static byte[] int8Bytes(DynamicQuantization.Result q, CommandLine cli) {
        return (int8Embeddings(cli) ? EmbeddingQuantization.quantize(q.model()) : q.model()).toByteArray();
    }

    private static boolean int8Embeddings(CommandLine cli) {
        return cli.get("embeddings", "fp32").equals("int8");
    }

    /** The manifest's record of an int8 quantization (and the serving mode it needs). */
    private static void recordQuantization(ObjectNode manifest, DynamicQuantization.Result q, byte[] fp32,
            boolean zeroSetKept, CommandLine cli) {
        manifest.put("rowwise_quantization", true);
        manifest.putObject("quantization")
                .put("method", "dynamic int8 (Shears DynamicQuantization): DynamicQuantizeLinear + MatMulInteger + Cast + Mul")
                .put("weights", "int8, symmetric (zero point 0), one scale per output channel, range +-"
                        + DynamicQuantization.REDUCED_RANGE + (zeroSetKept ? ", zero set kept exactly" : ""))
                .put("activations", "uint8, one scale per tensor; per token when batched (rowwise_quantization)")
                .put("embeddings", embeddingsRecord(cli))
                .put("fp32_model_sha256", ModelLocation.sha256(fp32))
                .put("linear_layers", q.layers().size()).put("int8_zeros", q.int8Zeros())
                .put("int8_sparsity", (double) q.int8Zeros() / q.weights())
                .put("rounded_to_zero", q.int8Zeros() - q.floatZeros());
    }

    /** With {@code --head-data}: re-fits the sentence head for the written model and stores it in the manifest. */
    private static void fitHead(CommandLine cli, String[] args, ObjectMapper json, Path out, ObjectNode manifest)
            throws IOException {
        String headData = cli.get("head-data", null);
        if (headData == null) {
            return;
        }
        Path data = Path.of(headData);
        FitHeadCommand.Fitted fitted;
        try (EncoderModel encoder = OfflineModels.encoder(out.toString())) {
            fitted = FitHeadCommand.fit(encoder, data, Double.parseDouble(cli.get("target-answer-kept", "0.96")));
        }
        ObjectNode head = (ObjectNode) json.readTree("{" + fitted.json() + "}").get("sentence_head");
        ((ObjectNode) head.get("training")).put("sha256", ModelLocation.sha256(Files.readAllBytes(data)))
                .put("command", "prune-model " + String.join(" ", args));
        manifest.set("sentence_head", head);
        writeManifest(json, out, manifest);
        System.out.printf(Locale.ROOT, "head fitted on %s: threshold %.3f keeps an answer for %.3f of answerable training"
                + " questions at compression %.3f%n", data.getFileName(), fitted.threshold(), fitted.atThreshold().answerKept(),
                fitted.atThreshold().compression());
    }

    /**
     * The source staged unpruned into OUT_DIR (model, tokenizer, manifest), so it can be loaded and tokenized; the
     * manifest being built for it; and the source directory's own manifest as written (null for a classpath source
     * or bare files), whose blocks an earlier {@code prune-model} wrote.
     */
    private record Staged(Source source, ObjectNode manifest, ObjectNode sourceManifest) {
        static Staged write(CommandLine cli, Path out, ObjectMapper json) throws IOException {
            Source src = Source.read(cli.positional.get(0), cli.get("manifest-template", OfflineModels.DEFAULT_MODEL));
            Path sourceManifest = Path.of(cli.positional.get(0)).resolve(ModelManifest.FILE_NAME);
            ObjectNode raw = !cli.positional.get(0).startsWith("classpath:") && Files.isRegularFile(sourceManifest)
                    && json.readTree(sourceManifest.toFile()) instanceof ObjectNode m ? m : null;
            Files.createDirectories(out);
            Files.write(out.resolve("model.onnx"), src.model);
            Files.write(out.resolve("tokenizer.json"), src.tokenizer);
            ObjectNode manifest = json.valueToTree(src.manifest);
            manifest.put("rowwise_quantization", false);
            writeManifest(json, out, manifest);
            return new Staged(src, manifest, raw);
        }

        /** The source manifest's {@code name} block, or null. */
        ObjectNode sourceBlock(String name) {
            return sourceManifest != null && sourceManifest.get(name) instanceof ObjectNode block ? block : null;
        }

        /**
         * Puts the pruning record: this run's {@code pruning} block, with the source's as its {@code source_pruning};
         * when this run pruned nothing (it only quantizes or re-fits the head), the source's block stays the
         * model's and this command is recorded in it as {@code then}.
         */
        void putPruning(ObjectNode pruning, boolean prunedNothing) {
            ObjectNode earlierPruning = sourceBlock("pruning");
            if (earlierPruning == null) {
                manifest.set("pruning", pruning);
            } else if (prunedNothing) {
                manifest.set("pruning", earlierPruning.deepCopy().put("then", pruning.get("command").asText()));
            } else {
                manifest.set("pruning", pruning.set("source_pruning", earlierPruning));
            }
        }
    }

    /** Tokenized calibration sentences (with the staged model's tokenizer); records what was used. */
    private static List<long[]> calibrationIds(CommandLine cli, Path staged, int defaultCount, String batching,
            ObjectNode record) throws IOException {
        Path data = Path.of(cli.get("calibration", "../shared/datasets/wikiqa/WikiQA-train.tsv.gz"));
        List<String> sentences = calibrationSentences(data, Integer.parseInt(cli.get("calibration-sentences",
                String.valueOf(defaultCount))));
        List<long[]> ids;
        try (EncoderModel encoder = OfflineModels.encoder(staged.toString())) {
            ids = encoder.tokenize(sentences);
        }
        record.put("data", data.getFileName().toString()).put("sha256", ModelLocation.sha256(Files.readAllBytes(data)))
                .put("sentences", sentences.size()).put("tokens", ids.stream().mapToInt(a -> a.length).sum())
                .put("selection", "first distinct answer-candidate sentences in file order, " + batching + ", no title");
        return ids;
    }

    /** {@code --method structured}: see {@link StructuredPruner}. */
    private static void structured(CommandLine cli, String[] args, boolean int8) throws Exception {
        String distillTexts = cli.get("distill-texts", "served");
        if (!List.of("served", "sentences").contains(distillTexts)) {
            throw new IllegalArgumentException("--distill-texts must be served or sentences, was " + distillTexts);
        }
        StructuredPruner pruner = new StructuredPruner(Double.parseDouble(cli.get("mlp-keep", "1")),
                Double.parseDouble(cli.get("heads-keep", "1")), Integer.parseInt(cli.get("layers-drop", "0")),
                Integer.parseInt(cli.get("channel-step", "32")),
                StructuredPruner.Reconstruction.parse(cli.get("reconstruct", "layer")),
                Double.parseDouble(cli.get("ridge", "0.01")));
        Path out = Path.of(cli.positional.get(1));
        ObjectMapper json = new ObjectMapper().setSerializationInclusion(JsonInclude.Include.NON_NULL);
        Staged staged = Staged.write(cli, out, json);
        ObjectNode calibration = json.createObjectNode();
        List<long[]> ids = calibrationIds(cli, out, 1024, "batches of 16 sorted by length (padding masked out)",
                calibration);
        long t0 = System.nanoTime();
        ModelProto source = ModelProto.parseFrom(staged.source().model);
        StructuredPruner.Result r = pruner.prune(source, ids);
        System.err.printf("structured pruning with calibration: %.1f s%n", (System.nanoTime() - t0) / 1e9);
        ObjectNode distillation = null;
        int distillEpochs = Integer.parseInt(cli.get("distill-epochs", "0"));
        if (distillEpochs > 0) {
            distillation = json.createObjectNode();
            r = distill(cli, out, source, r, distillEpochs, distillation);
        }
        byte[] fp32 = r.model().toByteArray();
        DynamicQuantization.Result q = int8 ? DynamicQuantization.quantize(r.model()) : null;
        Files.write(out.resolve("model.onnx"), int8 ? int8Bytes(q, cli) : fp32);

        ObjectNode manifest = staged.manifest();
        ObjectNode pruning = json.createObjectNode();
        pruning.put("method", STRUCTURED).put("mlp_keep", pruner.mlpKeep()).put("heads_keep", pruner.headsKeep())
                .put("layers_drop", pruner.dropBlocks()).put("channel_step", pruner.channelStep())
                .put("reconstruct", pruner.reconstruction().cliName());
        if (pruner.reconstruction() != StructuredPruner.Reconstruction.NONE) {
            pruning.put("ridge", pruner.ridge());
        }
        pruning.set("calibration", calibration);
        if (distillation != null) {
            pruning.set("distillation", distillation);
        }
        pruning.put("source", staged.source().description)
                .put("source_model_sha256", ModelLocation.sha256(staged.source().model));
        pruning.put("linear_weights_before", r.linearWeightsBefore()).put("linear_weights_after", r.linearWeightsAfter());
        com.fasterxml.jackson.databind.node.ArrayNode blocks = pruning.putArray("blocks");
        for (StructuredPruner.BlockReport b : r.blocks()) {
            ObjectNode n = blocks.addObject().put("index", b.index()).put("input_output_cosine", b.cosine());
            if (b.dropped()) {
                n.put("removed", true);
            } else {
                n.put("mlp_channels", b.keptChannels().length + " of " + b.channels());
                n.put("heads", b.keptHeads().length + " of " + b.heads());
                IntStream.of(b.keptHeads()).forEach(n.putArray("kept_heads")::add);
            }
        }
        pruning.put("command", "prune-model " + String.join(" ", args));
        staged.putPruning(pruning, false);
        String base = staged.source().manifest.id().replaceAll("-q$", "");
        manifest.put("id", String.format(Locale.ROOT, "%s-structured-mlp%d-heads%d-drop%d%s", base,
                Math.round(100 * pruner.mlpKeep()), Math.round(100 * pruner.headsKeep()), pruner.dropBlocks(),
                int8 ? "-int8" : ""));
        manifest.put("description", (int8 ? "int8 (Shears' dynamic quantization) of " : "") + "fp32 " + base
                + " structurally pruned: " + r.linearWeightsAfter() + " of "
                + r.linearWeightsBefore() + " linear-layer weights left (see pruning); " + (cli.get("head-data", null) != null
                ? "sentence_head re-fitted for this model" : "sentence_head copied from the source, re-fit it for this model"));
        if (int8) {
            recordQuantization(manifest, q, fp32, false, cli);
        }
        writeManifest(json, out, manifest);

        verifyStructured(out, r, int8);
        System.out.printf("structured: %d of %d linear-layer weights left (%.3f), %d of %d blocks%s -> %s%n",
                r.linearWeightsAfter(), r.linearWeightsBefore(), (double) r.linearWeightsAfter() / r.linearWeightsBefore(),
                r.blocks().stream().filter(b -> !b.dropped()).count(), r.blocks().size(), int8 ? ", int8" : "", out);
        fitHead(cli, args, json, out, manifest);
    }

    /**
     * Trains the pruned fp32 encoder toward the source ({@link EncoderDistillation}) on the calibration file's
     * questions and sentences, the questions that hold the last {@value #DISTILL_HELD_OUT} of them held out and only
     * measured; returns the result with the distilled graph and records what was done in {@code record}.
     */
    private static StructuredPruner.Result distill(CommandLine cli, Path staged, ModelProto source, StructuredPruner.Result pruned,
            int epochs, ObjectNode record) throws IOException {
        Path data = Path.of(cli.get("calibration", "../shared/datasets/wikiqa/WikiQA-train.tsv.gz"));
        int count = Integer.parseInt(cli.get("distill-sentences", "8192"));
        String form = cli.get("distill-texts", "served");
        List<List<String>> texts = firstGroups(data, count + DISTILL_HELD_OUT, form.equals("served"));
        List<List<long[]>> groups = new ArrayList<>();
        try (EncoderModel encoder = OfflineModels.encoder(staged.toString())) {
            for (List<String> group : texts) {
                groups.add(encoder.tokenize(group));
            }
        }
        // the trailing groups that hold the last DISTILL_HELD_OUT texts (or more, groups are never split) are held out
        int split = groups.size();
        for (int held = 0; split > 0 && held < DISTILL_HELD_OUT; ) {
            held += groups.get(--split).size();
        }
        List<long[]> train = groups.subList(0, split).stream().flatMap(List::stream).toList();
        List<List<long[]>> heldOut = groups.subList(split, groups.size());
        EncoderDistillation.Settings settings = new EncoderDistillation.Settings(epochs,
                Integer.parseInt(cli.get("distill-batch", "32")), Double.parseDouble(cli.get("distill-lr", "1e-4")), 0.06,
                0.01, 1.0, Double.parseDouble(cli.get("distill-token-weight", "1")), 128, 42);
        int heads = EncoderBlocks.find(source.getGraph()).get(0).heads();
        EncoderDistillation.Result d = EncoderDistillation.distill(source, pruned.model(), heads, train, heldOut, settings,
                System.err);
        System.err.println("distillation: " + d.describe());
        record.put("data", data.getFileName().toString()).put("sha256", ModelLocation.sha256(Files.readAllBytes(data)))
                .put("texts", train.size()).put("held_out", heldOut.stream().mapToInt(List::size).sum())
                .put("held_out_questions", heldOut.size())
                .put("selection", "questions and distinct answer-candidate sentences in file order (a group: a question, then"
                        + " its sentences not seen before), " + (form.equals("served") ? "each as served: \"Title. sentence\""
                        : "no title") + "; the trailing groups of the last " + DISTILL_HELD_OUT + " texts held out")
                .put("loss", "1 - cos([CLS] states) + token_weight x mean over real tokens of 1 - cos(last hidden states),"
                        + " teacher = the source encoder, embeddings frozen")
                .put("settings", settings.describe()).put("steps", d.steps()).put("train_seconds", Math.round(d.trainSeconds()))
                .put("trainer", "dev.shears.tools.train.EncoderDistillation (DJL, PyTorch CPU)");
        heldOut(record.putObject("held_out_before"), d.before());
        heldOut(record.putObject("held_out_after"), d.after());
        return new StructuredPruner.Result(d.model(), pruned.blocks(), pruned.linearWeightsBefore(), pruned.linearWeightsAfter());
    }

    static final int DISTILL_HELD_OUT = 256;

    private static void heldOut(ObjectNode node, EncoderDistillation.HeldOut h) {
        node.put("cls_cosine", h.clsCosine()).put("cls_cosine_p5", h.clsCosineP5())
                .put("question_sentence_cosine_error", h.pairCosineError()).put("rank_correlation", h.rankCorrelation())
                .put("same_top_sentence", h.sameTop());
    }

    /**
     * The written model loads and embeds to finite values of the hidden size, and every remaining block has exactly
     * the reduced shapes: each projection's weights on disk (fp32, or the int8 initializer that replaced them) and
     * biases, and the head-count and context-width constants (checked on the fp32 graph; quantization leaves them).
     */
    static void verifyStructured(Path out, StructuredPruner.Result expected, boolean int8) throws IOException {
        ModelProto m = ModelProto.parseFrom(Files.readAllBytes(out.resolve("model.onnx")));
        Map<String, ai.onnx.proto.OnnxMl.TensorProto> init = new java.util.HashMap<>(); // as re-read from disk
        m.getGraph().getInitializerList().forEach(t -> init.put(t.getName(), t));
        List<EncoderBlock> found = EncoderBlocks.find(expected.model().getGraph());
        List<StructuredPruner.BlockReport> kept = expected.blocks().stream().filter(b -> !b.dropped()).toList();
        if (found.size() != kept.size()) {
            throw new IllegalStateException(found.size() + " blocks left, expected " + kept.size());
        }
        for (int k = 0; k < kept.size(); k++) {
            EncoderBlock b = found.get(k);
            StructuredPruner.BlockReport want = kept.get(k);
            int width = want.keptHeads().length * b.headSize();
            int channels = want.keptChannels().length;
            int hidden = b.query().layer().in();
            java.util.function.BiPredicate<EncoderBlock.Projection, long[]> onDisk = (p, dims) -> {
                ai.onnx.proto.OnnxMl.TensorProto w = init.get(int8 ? DynamicQuantization.quantizedName(p.layer().weight())
                        : p.layer().weight());
                return w != null && w.getDimsList().equals(java.util.Arrays.stream(dims).boxed().toList())
                        && init.get(p.bias()).getDims(0) == dims[1];
            };
            boolean exact = b.index() == want.index() && b.heads() == want.keptHeads().length
                    && b.headCounts().stream().allMatch(c -> c.value() == want.keptHeads().length)
                    && b.contextWidth().value() == width
                    && onDisk.test(b.intermediate(), new long[] {hidden, channels})
                    && onDisk.test(b.mlpOutput(), new long[] {channels, hidden})
                    && b.headProjections().stream().allMatch(p -> onDisk.test(p, new long[] {hidden, width}))
                    && onDisk.test(b.attentionOutput(), new long[] {width, hidden});
            if (!exact) {
                throw new IllegalStateException("block " + b.index() + ": shapes on disk are not " + want.keptHeads().length
                        + " heads and " + channels + " MLP channels");
            }
        }
        try (EncoderModel e = OfflineModels.encoder(out.toString())) {
            float[] v = e.embedTexts(List.of("Pruned models load."))[0];
            if (v.length != found.get(0).query().layer().in() || !allFinite(v)) {
                throw new IllegalStateException("structured model embeds to " + v.length + " values, not all finite");
            }
        }
    }

    private static boolean allFinite(float[] v) {
        for (float x : v) {
            if (!Float.isFinite(x)) {
                return false;
            }
        }
        return true;
    }

    /**
     * The written model loads and embeds to finite values, and every layer's weights on disk have exactly the
     * zeros the pruning left (in int8: the int8 initializer replacing it, quantized keeping the zero set).
     */
    static void verify(Path out, ModelPruner.Result expected, boolean int8) throws IOException {
        try (EncoderModel e = OfflineModels.encoder(out.toString())) {
            if (!allFinite(e.embedTexts(List.of("Pruned models load."))[0])) {
                throw new IllegalStateException("pruned model embeds to non-finite values");
            }
        }
        ModelProto m = ModelProto.parseFrom(Files.readAllBytes(out.resolve("model.onnx")));
        Map<String, ai.onnx.proto.OnnxMl.TensorProto> init = new java.util.HashMap<>(); // as re-read from disk
        m.getGraph().getInitializerList().forEach(t -> init.put(t.getName(), t));
        for (ModelPruner.LayerStats l : expected.layers()) {
            int zeros = int8 ? DynamicQuantization.int8Zeros(init.get(DynamicQuantization.quantizedName(l.weight())))
                    : Pruning.zeros(LinearLayers.floats(init.get(l.weight())));
            if (int8 && expected.pruned() == 0) {
                continue; // an unpruned model rounds its smallest weights to 0; there is no pruned set to keep
            }
            if (zeros != l.zeros() || l.zeros() < l.pruned()) {
                throw new IllegalStateException("layer " + l.weight() + ": " + zeros + " zeros on disk, " + l.pruned()
                        + " pruned");
            }
        }
        if (ModelDirectory.open(out).checksums() == null) {
            throw new IllegalStateException("no manifest written");
        }
    }

    private static void writeManifest(ObjectMapper json, Path out, ObjectNode manifest) throws IOException {
        ObjectNode files = manifest.putObject("files");
        for (String[] f : new String[][] {{ModelManifest.MODEL, "model.onnx"}, {ModelManifest.TOKENIZER, "tokenizer.json"}}) {
            Path p = out.resolve(f[1]);
            files.putObject(f[0]).put("path", f[1]).put("sha256", ModelLocation.sha256(Files.readAllBytes(p)))
                    .put("bytes", Files.size(p));
        }
        json.writerWithDefaultPrettyPrinter().writeValue(out.resolve(ModelManifest.FILE_NAME).toFile(), manifest);
    }

    static List<String> calibrationSentences(Path data, int count) throws IOException {
        Set<String> out = new LinkedHashSet<>();
        for (WikiQa.Question q : WikiQa.read(data)) {
            for (String s : q.sentences()) {
                if (out.size() < count && !s.isBlank()) {
                    out.add(s);
                }
            }
        }
        return List.copyOf(out);
    }

    /**
     * Up to {@code count} distinct texts of {@code data} in file order, grouped: each question (also when seen before)
     * followed by those of its non-blank sentences not seen before; a group holds at least its question. With
     * {@code served}, a sentence is what the bi-encoder embeds when serving it: "Title. sentence".
     */
    private static List<List<String>> firstGroups(Path data, int count, boolean served) throws IOException {
        Set<String> seen = new LinkedHashSet<>();
        List<List<String>> out = new ArrayList<>();
        for (WikiQa.Question q : WikiQa.read(data)) {
            if (seen.size() >= count) {
                break;
            }
            List<String> group = new ArrayList<>(List.of(q.question()));
            seen.add(q.question());
            String prefix = served && q.title() != null && !q.title().isBlank() ? q.title().strip() + ". " : "";
            q.sentences().stream().filter(s -> !s.isBlank()).map(s -> prefix + s)
                    .filter(s -> seen.size() < count && seen.add(s)).forEach(group::add);
            out.add(group);
        }
        return out;
    }

    /** The source model's manifest and verified bytes. */
    private record Source(String description, ModelManifest manifest, byte[] model, byte[] tokenizer) {

        static Source read(String location, String template) throws IOException {
            Path dir = location.startsWith("classpath:") ? null : Path.of(location);
            if (dir != null && Files.isDirectory(dir) && !Files.exists(dir.resolve(ModelManifest.FILE_NAME))) {
                Path onnx = single(dir, ".onnx");
                Path tok = single(dir, "tokenizer.json");
                ModelManifest t = ModelLocation.parse(template).manifest();
                ModelManifest m = new ModelManifest(t.id(), t.task(), t.description(), t.source(), t.files(),
                        t.inputs(), t.outputs(), t.hiddenSize(), t.pooling(), t.normalize(), t.maxLength(),
                        t.queryPrefix(), t.sentenceHead(), t.provence(), false);
                return new Source(location + " (" + onnx.getFileName() + ", manifest fields from " + template + ")",
                        m, Files.readAllBytes(onnx), Files.readAllBytes(tok));
            }
            ModelLocation loc = ModelLocation.parse(location);
            ModelManifest m = loc.manifest();
            return new Source(location, m, loc.readVerified(m, ModelManifest.MODEL), loc.readVerified(m, ModelManifest.TOKENIZER));
        }

        private static Path single(Path dir, String suffix) throws IOException {
            try (Stream<Path> s = Files.list(dir)) {
                List<Path> found = s.filter(p -> p.getFileName().toString().endsWith(suffix)).toList();
                if (found.size() != 1) {
                    throw new IllegalArgumentException(dir + " must hold exactly one *" + suffix + ", has " + found);
                }
                return found.get(0);
            }
        }
    }
}
