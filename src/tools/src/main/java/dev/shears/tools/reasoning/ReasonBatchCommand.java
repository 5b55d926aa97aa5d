package dev.shears.tools.reasoning;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shears.lm.LanguageModel;
import dev.shears.onnx.lm.CachingLanguageModel;
import dev.shears.reasoning.PrunedReasoning;
import dev.shears.reasoning.ReasoningOptions;
import dev.shears.reasoning.ReasoningPruner;
import dev.shears.tools.CommandLine;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import java.util.zip.GZIPInputStream;

/**
 * {@code reason-batch}: prunes every chain of thought of a JSONL file (see {@link ChainRecords} for the shapes)
 * with {@link ReasoningPruner} and appends one JSONL record per input line to the output, resumably
 * ({@link ResumableOutput}). A line that fails (bad JSON, missing field, model error) gets an error record and
 * the run goes on. {@code --shard i/N} takes the lines whose number mod N is i. Scores are cached per chain, so
 * extra {@code --budgets} cost no model call.
 */
public final class ReasonBatchCommand {

    static final String USAGE = """
            usage: reason-batch INPUT.jsonl[.gz] OUTPUT.jsonl [options]
              --keep-ratio R          share of each chain's tokens to keep (default 0.8)
              --max-tokens N          token budget per chain instead of a ratio
              --budgets R1,R2,...     several keep ratios in one run (one record per line, with 'prunings')
              --mode global|iterative global scores once (ASAP); iterative re-scores after each removal
              --shard i/N             only the lines whose number mod N is i (line numbers start at 1)
              --lm-location DIR       score with a local ONNX causal LM export
              --remote-url URL        score with an OpenAI-compatible server (/v1/completions prompt log-probs)
              --remote-model M        its served model name (default: default); key from SHEARS_LM_REMOTE_API_KEY
              --remote-logprobs echo|prompt-logprobs   how the server is asked for prompt log-probs (default echo)
              --max-lines K           stop after K lines in this run (the next run resumes)
            Without --lm-location or --remote-url, the embedded scorer. The output is appended to and resumed:
            lines already in it are skipped. Exit: 0 done, 1 failed (I/O), 2 usage error.""";

    static final long CACHE_BYTES = 64L << 20;
    private static final List<String> OPTIONS = List.of("keep-ratio", "max-tokens", "budgets", "mode", "shard",
            "lm-location", "remote-url", "remote-model", "remote-logprobs", "max-lines");

    private ReasonBatchCommand() {}

    public static void main(String[] args) {
        System.exit(run(args, System.err, Scorers::open));
    }

    /** Runs the command; {@code scorers} opens the scoring model the command line names. Returns the exit code. */
    static int run(String[] args, PrintStream err, Function<CommandLine, LanguageModel> scorers) {
        Settings settings;
        LanguageModel model;
        try {
            settings = Settings.parse(args);
            model = scorers.apply(settings.cli);
        } catch (IllegalArgumentException e) {
            err.println("reason-batch: " + e.getMessage());
            err.println(USAGE);
            return 2;
        } catch (RuntimeException e) {
            err.println("reason-batch: cannot open the scorer: " + e.getMessage());
            return 1;
        }
        try (CachingLanguageModel cached = new CachingLanguageModel(model, CACHE_BYTES)) {
            run(settings, new ReasoningPruner(cached), err);
            err.printf(Locale.ROOT, "scorer %s: %d score calls answered from the cache, %d went to the model%n",
                    model.id(), cached.hits(), cached.misses());
            return 0;
        } catch (IOException e) {
            err.println("reason-batch: " + e.getMessage());
            return 1;
        }
    }

    private static void run(Settings s, ReasoningPruner pruner, PrintStream err) throws IOException {
        try (ResumableOutput out = ResumableOutput.open(s.output)) {
            Set<Long> done = out.done();
            if (out.tornBytes() > 0) {
                err.printf(Locale.ROOT, "%s ended in a torn record (%d bytes); cut off, its line is done again%n",
                        s.output, out.tornBytes());
            }
            long todo = Math.min(s.maxLines, countTodo(s, done));
            err.printf(Locale.ROOT, "%s -> %s: %d lines to do, %d already done%s%n", s.input, s.output, todo,
                    done.size(), s.shards > 1 ? " (shard " + s.shard + "/" + s.shards + ")" : "");
            Progress progress = new Progress(err, todo, System.console() != null);
            long processed = 0;
            try (BufferedReader in = open(s.input)) {
                String line;
                long number = 0;
                while (processed < todo && (line = in.readLine()) != null) {
                    number++;
                    if (!s.mine(number, line) || done.contains(number)) {
                        continue;
                    }
                    JsonNode record = prune(number, line, pruner, s);
                    out.write(record);
                    processed++;
                    progress.step(record.has("error"));
                }
            }
            progress.finish();
        }
    }

    private static JsonNode prune(long number, String line, ReasoningPruner pruner, Settings s) {
        ChainRecords.Chain chain = null;
        try {
            chain = ChainRecords.parse(line);
            List<PrunedReasoning> results = new ArrayList<>();
            for (Budget b : s.budgets) {
                results.add(pruner.prune(chain.input(), b.options(s.mode)));
            }
            return ChainRecords.result(number, chain, s.budgets, results);
        } catch (Exception e) {
            String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            return ChainRecords.error(number, chain != null ? chain.id() : ChainRecords.idOf(line), message);
        }
    }

    private static long countTodo(Settings s, Set<Long> done) throws IOException {
        long count = 0;
        try (BufferedReader in = open(s.input)) {
            String line;
            long number = 0;
            while ((line = in.readLine()) != null) {
                number++;
                if (s.mine(number, line) && !done.contains(number)) {
                    count++;
                }
            }
        }
        return count;
    }

    private static BufferedReader open(Path input) throws IOException {
        InputStream bytes = Files.newInputStream(input);
        if (input.getFileName().toString().endsWith(".gz")) {
            bytes = new GZIPInputStream(bytes, 1 << 16);
        }
        return new BufferedReader(new InputStreamReader(bytes, StandardCharsets.UTF_8), 1 << 16);
    }

    /** The parsed command line; bad values are usage errors (IllegalArgumentException). */
    private record Settings(CommandLine cli, Path input, Path output, List<Budget> budgets, ReasoningOptions.Mode mode,
                            int shard, int shards, long maxLines) {

        static Settings parse(String[] args) {
            CommandLine cli = new CommandLine(args, OPTIONS);
            if (cli.positional.size() != 2) {
                throw new IllegalArgumentException("give INPUT and OUTPUT");
            }
            Path input = Path.of(cli.positional.get(0));
            if (!Files.isRegularFile(input)) {
                throw new IllegalArgumentException("no input file " + input);
            }
            String ratio = cli.get("keep-ratio", null);
            String tokens = cli.get("max-tokens", null);
            String several = cli.get("budgets", null);
            if ((ratio != null ? 1 : 0) + (tokens != null ? 1 : 0) + (several != null ? 1 : 0) > 1) {
                throw new IllegalArgumentException("give one of --keep-ratio, --max-tokens, --budgets");
            }
            List<Budget> budgets;
            try {
                if (tokens != null) {
                    budgets = List.of(new Budget(null, Integer.parseInt(tokens)));
                } else {
                    String ratios = several != null ? several : ratio != null ? ratio
                            : String.valueOf(ReasoningOptions.DEFAULT_KEEP_RATIO);
                    budgets = Arrays.stream(ratios.split(",")).map(r -> new Budget(Double.parseDouble(r.strip()), null))
                            .toList();
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not a number: " + e.getMessage());
            }
            budgets.forEach(b -> b.options(null)); // ReasoningOptions checks the ranges
            ReasoningOptions.Mode mode = switch (cli.get("mode", "global")) {
                case "global" -> ReasoningOptions.Mode.GLOBAL;
                case "iterative" -> ReasoningOptions.Mode.ITERATIVE;
                default -> throw new IllegalArgumentException("--mode is global or iterative");
            };
            String[] shard = cli.get("shard", "0/1").split("/");
            int i;
            int n;
            try {
                i = Integer.parseInt(shard[0].strip());
                n = shard.length == 2 ? Integer.parseInt(shard[1].strip()) : -1;
            } catch (NumberFormatException e) {
                n = -1;
                i = -1;
            }
            if (n < 1 || i < 0 || i >= n) {
                throw new IllegalArgumentException("--shard is i/N with 0 <= i < N, e.g. 0/4");
            }
            long maxLines;
            try {
                maxLines = Long.parseLong(cli.get("max-lines", String.valueOf(Long.MAX_VALUE)));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--max-lines needs a number");
            }
            return new Settings(cli, input, Path.of(cli.positional.get(1)), budgets, mode, i, n, maxLines);
        }

        /** True when input line {@code number} is this shard's and holds a record (blank lines hold none). */
        boolean mine(long number, String line) {
            return number % shards == shard && !line.isBlank();
        }
    }
}
