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
import dev.shears.onnx.prune.ActivationNorms;
import dev.shears.onnx.prune.LinearLayers;
import dev.shears.onnx.prune.ModelPruner;
import dev.shears.onnx.prune.PruneMethod;
import dev.shears.onnx.prune.Pruning;
import dev.shears.tools.CommandLine;
import dev.shears.tools.eval.FitHeadCommand;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * {@code prune-model SRC OUT_DIR --method magnitude|magnitude-global|wanda [--sparsity 0.5] [--nm 2:4]
 * [--min-keep 0.1] [--calibration WikiQA-train.tsv.gz] [--calibration-sentences 256] [--quantize int8]
 * [--head-data WikiQA-train.tsv.gz] [--target-answer-kept 0.96] [--manifest-template classpath:models/bge-small-en-v1.5-q]}.
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
 * exact zero set in int8. With {@code --head-data} the sentence head is re-fitted for the written model (as
 * {@code fit-head} does) and stored in the manifest; without it the source's head is copied, fitted for
 * another model.
 */
public final class PruneModelCommand {

    private static final String USAGE = "usage: prune-model SRC OUT_DIR --method magnitude|magnitude-global|wanda"
            + " [--sparsity 0.5] [--nm 2:4] [--min-keep 0.1] [--calibration WikiQA-train.tsv.gz]"
            + " [--calibration-sentences 256] [--quantize int8] [--head-data WikiQA-train.tsv.gz] [--target-answer-kept 0.96]"
            + " [--manifest-template classpath:models/bge-small-en-v1.5-q]";

    private PruneModelCommand() {}

    public static void main(String[] args) throws Exception {
        CommandLine cli = new CommandLine(args, List.of("method", "sparsity", "nm", "min-keep", "calibration",
                "calibration-sentences", "quantize", "head-data", "target-answer-kept", "manifest-template"));
        String quantize = cli.get("quantize", "none");
        if (cli.positional.size() != 2 || cli.get("method", null) == null || !List.of("none", "int8").contains(quantize)) {
            System.err.println(USAGE);
            System.exit(2);
        }
        boolean int8 = quantize.equals("int8");
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
        Files.createDirectories(out);
        ObjectMapper json = new ObjectMapper().setSerializationInclusion(JsonInclude.Include.NON_NULL);

        // 1. stage the source (unpruned) into OUT_DIR so it can be loaded and tokenized with
        Source src = Source.read(cli.positional.get(0), cli.get("manifest-template", OfflineModels.DEFAULT_MODEL));
        Files.write(out.resolve("model.onnx"), src.model);
        Files.write(out.resolve("tokenizer.json"), src.tokenizer);
        ObjectNode manifest = json.valueToTree(src.manifest);
        manifest.put("rowwise_quantization", false);
        writeManifest(json, out, manifest);

        // 2. calibration statistics (Wanda only)
        ModelProto model = ModelProto.parseFrom(src.model);
        Map<String, float[]> norms = null;
        ObjectNode calibration = json.createObjectNode();
        if (method == PruneMethod.WANDA) {
            Path data = Path.of(cli.get("calibration", "../shared/datasets/wikiqa/WikiQA-train.tsv.gz"));
            int count = Integer.parseInt(cli.get("calibration-sentences", "256"));
            List<String> sentences = calibrationSentences(data, count);
            List<long[]> ids;
            try (EncoderModel staged = OfflineModels.encoder(out.toString())) {
                ids = staged.tokenize(sentences);
            }
            long t0 = System.nanoTime();
            norms = ActivationNorms.capture(model, LinearLayers.find(model.getGraph()), ids);
            calibration.put("data", data.getFileName().toString()).put("sha256", ModelLocation.sha256(Files.readAllBytes(data)))
                    .put("sentences", sentences.size()).put("tokens", ids.stream().mapToInt(a -> a.length).sum())
                    .put("selection", "first distinct answer-candidate sentences in file order, one per pass, no title");
            System.err.printf("calibration: %d sentences in %.1f s%n", sentences.size(), (System.nanoTime() - t0) / 1e9);
        }

        // 3. prune, quantize, write, pin
        ModelPruner.Result r = pruner.prune(model, norms);
        byte[] fp32 = r.model().toByteArray();
        DynamicQuantization.Result q = int8
                ? DynamicQuantization.quantize(r.model(), DynamicQuantization.REDUCED_RANGE, r.pruned() > 0) : null;
        Files.write(out.resolve("model.onnx"), int8 ? q.model().toByteArray() : fp32);
        ObjectNode pruning = manifest.putObject("pruning");
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
        String base = src.manifest.id().replaceAll("-q$", "");
        String pruned = r.pruned() == 0 ? "" : "-" + method.cliName()
                + (pruner.nmN() > 0 ? "-" + pruner.nmN() + "of" + pruner.nmM() : "-" + Math.round(100 * sparsity));
        manifest.put("id", base + pruned + (int8 ? "-int8" : r.pruned() == 0 ? "-fp32" : ""));
        String headNote = cli.get("head-data", null) != null ? "sentence_head re-fitted for this model"
                : "sentence_head copied from the source, re-fit it for this model";
        manifest.put("description", (int8 ? "int8 (Shears' dynamic quantization) of " : "") + "fp32 " + src.manifest.id()
                + " with " + r.pruned() + " of " + r.total() + " linear-layer weights pruned (" + method.cliName() + "); " + headNote);
        if (int8) {
            manifest.put("rowwise_quantization", true);
            manifest.putObject("quantization")
                    .put("method", "dynamic int8 (Shears DynamicQuantization): DynamicQuantizeLinear + MatMulInteger + Cast + Mul")
                    .put("weights", "int8, symmetric (zero point 0), one scale per output channel, range +-"
                            + DynamicQuantization.REDUCED_RANGE + (r.pruned() > 0 ? ", zero set kept exactly" : ""))
                    .put("activations", "uint8, one scale per tensor; per token when batched (rowwise_quantization)")
                    .put("fp32_model_sha256", ModelLocation.sha256(fp32))
                    .put("linear_layers", q.layers().size()).put("int8_zeros", q.int8Zeros())
                    .put("int8_sparsity", (double) q.int8Zeros() / q.weights())
                    .put("rounded_to_zero", q.int8Zeros() - q.floatZeros());
        }
        writeManifest(json, out, manifest);

        // 4. verify: loads with the encoder, and the zeros are exactly as pruned
        verify(out, r, int8);
        System.out.printf("pruned %d of %d weights in %d layers (%.4f)%s -> %s%n", r.pruned(), r.total(),
                r.layers().size(), (double) r.pruned() / r.total(),
                int8 ? String.format(Locale.ROOT, ", int8 zeros %d (%.4f)", q.int8Zeros(), (double) q.int8Zeros() / q.weights()) : "", out);

        // 5. the head for this model
        String headData = cli.get("head-data", null);
        if (headData != null) {
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
    }

    /**
     * The written model loads and embeds to finite values, and every layer's weights on disk have exactly the
     * zeros the pruning left (in int8: the int8 initializer replacing it, quantized keeping the zero set).
     */
    static void verify(Path out, ModelPruner.Result expected, boolean int8) throws IOException {
        try (EncoderModel e = OfflineModels.encoder(out.toString())) {
            float[] v = e.embedTexts(List.of("Pruned models load."))[0];
            for (float x : v) {
                if (!Float.isFinite(x)) {
                    throw new IllegalStateException("pruned model embeds to non-finite values");
                }
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
