package dev.shears.tools;

import dev.shears.tools.bench.LanguageModelBench;
import dev.shears.tools.bench.PruneLatencyBench;
import dev.shears.tools.bench.SoakBench;
import dev.shears.tools.bench.ThroughputBench;
import dev.shears.tools.eval.EvaluateCommand;
import dev.shears.tools.eval.EvaluateReasoningCommand;
import dev.shears.tools.eval.EvaluateVotingCommand;
import dev.shears.tools.eval.FitHeadCommand;
import dev.shears.tools.eval.TrainProvenceHeadCommand;
import dev.shears.tools.reasoning.ReasonBatchCommand;
import dev.shears.onnx.ModelDirectory;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Entry point of the tools jar: {@code java -jar src/tools/target/shears-tools.jar COMMAND ARGS}. Each command
 * says its own arguments when run without them.
 */
public final class Tools {

    @FunctionalInterface
    interface Command {
        void run(String[] args) throws Exception;
    }

    private record Entry(Command command, String summary) {}

    private static final Map<String, Entry> COMMANDS = new LinkedHashMap<>();

    static {
        COMMANDS.put("evaluate", new Entry(EvaluateCommand::main, "pruning quality on WikiQA-format data, with a threshold sweep"));
        COMMANDS.put("evaluate-reasoning", new Entry(EvaluateReasoningCommand::main, "reasoning-step pruning on GSM8K: needed steps kept vs tokens saved, per scorer"));
        COMMANDS.put("fit-head", new Entry(FitHeadCommand::main, "fit an encoder's similarity head; prints the manifest block"));
        COMMANDS.put("train-provence-head", new Entry(TrainProvenceHeadCommand::main, "train Provence heads on a frozen encoder"));
        COMMANDS.put("train-provence", new Entry(dev.shears.tools.train.TrainProvenceCommand::main, "fine-tune bge-small as a Provence pruner in DJL (PyTorch CPU), resumable"));
        COMMANDS.put("export-provence", new Entry(dev.shears.tools.train.ExportProvenceCommand::main, "export a train-provence checkpoint as a Provence model directory (int8 or fp32), checked against DJL"));
        COMMANDS.put("evaluate-voting", new Entry(EvaluateVotingCommand::main, "path voting on sampled paths: SC, PPL, PC and RPC accuracy and ECE per n"));
        COMMANDS.put("reason-batch", new Entry(ReasonBatchCommand::main, "prune the chains of thought of a JSONL file, resumably and by shard"));
        COMMANDS.put("prune-model", new Entry(dev.shears.tools.prune.PruneModelCommand::main, "prune an encoder's linear layers (magnitude, global, Wanda, N:M) or its structure (MLP channels, heads, blocks) into a new model directory"));
        COMMANDS.put("export-f16", new Entry(dev.shears.tools.prune.ExportHalfWeightsCommand::main, "write an ONNX encoder's weights as fp16 with an index (for the GPU check in src/tools/gpu)"));
        COMMANDS.put("pin-model", new Entry(Tools::pinModel, "write manifest.json pinning the sha256 of every file of a model directory"));
        COMMANDS.put("bench-latency", new Entry(PruneLatencyBench::main, "added latency per request against a running service"));
        COMMANDS.put("bench-throughput", new Entry(ThroughputBench::main, "throughput at saturation: HTTP vs raw ONNX Runtime vs LangChain4j"));
        COMMANDS.put("bench-soak", new Entry(SoakBench::main, "memory of a running service under sustained load"));
        COMMANDS.put("bench-lm", new Entry(LanguageModelBench::main, "local language model: in-process vs over HTTP"));
    }

    private Tools() {}

    private static void pinModel(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: pin-model DIRECTORY   (an Optimum causal-LM export you have checked)");
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        ModelDirectory.pin(dir);
        System.out.println("wrote " + dir.resolve("manifest.json"));
    }

    public static void main(String[] args) throws Exception {
        Entry entry = args.length == 0 ? null : COMMANDS.get(args[0]);
        if (entry == null) {
            StringBuilder usage = new StringBuilder("usage: java -jar src/tools/target/shears-tools.jar COMMAND ARGS\n");
            COMMANDS.forEach((name, e) -> usage.append(String.format("  %-20s %s%n", name, e.summary())));
            System.err.print(usage);
            System.exit(2);
        }
        entry.command().run(Arrays.copyOfRange(args, 1, args.length));
    }
}
