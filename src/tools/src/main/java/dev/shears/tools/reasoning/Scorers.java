package dev.shears.tools.reasoning;

import dev.shears.client.openai.OpenAiCompatibleLanguageModel;
import dev.shears.client.openai.RemoteOptions;
import dev.shears.lm.LanguageModel;
import dev.shears.onnx.lm.OnnxCausalLm;
import dev.shears.onnx.ngram.NgramLanguageModel;
import dev.shears.tools.CommandLine;
import java.net.URI;
import java.nio.file.Path;

/** The scoring model a {@code reason-batch} command line names. */
public final class Scorers {

    /** Why no scorer could be chosen: a usage error. */
    public static final class NoScorer extends IllegalArgumentException {
        NoScorer(String message) {
            super(message);
        }
    }

    private Scorers() {}

    /** Options {@link #open} reads, for commands that take a scorer. */
    public static final java.util.List<String> OPTIONS = java.util.List.of("lm-location", "remote-url", "remote-model", "remote-logprobs");

    /** A command line that knows the scorer options and {@code more}. */
    public static CommandLine commandLine(String[] args, String... more) {
        java.util.List<String> known = new java.util.ArrayList<>(OPTIONS);
        known.addAll(java.util.List.of(more));
        return new CommandLine(args, known);
    }

    /** {@code --lm-location DIR} (in-process ONNX decoder), {@code --remote-url URL}, or the embedded word trigram. */
    public static LanguageModel open(CommandLine cli) {
        String location = cli.get("lm-location", null);
        String url = cli.get("remote-url", null);
        if (location != null && url != null) {
            throw new NoScorer("give --lm-location or --remote-url, not both");
        }
        if (location != null) {
            return OnnxCausalLm.open(Path.of(location));
        }
        if (url != null) {
            RemoteOptions.PromptLogProbMode mode = switch (cli.get("remote-logprobs", "echo")) {
                case "echo" -> RemoteOptions.PromptLogProbMode.ECHO;
                case "prompt-logprobs" -> RemoteOptions.PromptLogProbMode.PROMPT_LOGPROBS;
                default -> throw new NoScorer("--remote-logprobs is echo or prompt-logprobs");
            };
            RemoteOptions options = RemoteOptions.of(URI.create(url), cli.get("remote-model", "default"))
                    .withPromptLogProbs(mode);
            String key = System.getenv("SHEARS_LM_REMOTE_API_KEY");
            if (key != null && !key.isBlank()) {
                options = new RemoteOptions(options.baseUrl(), options.model(), key, options.connectTimeout(),
                        options.readTimeout(), options.maxRetries(), options.initialBackoff(), options.contextLength(),
                        options.promptLogProbs());
            }
            return new OpenAiCompatibleLanguageModel(options);
        }
        return embedded();
    }

    /** The scorer when none is named: the embedded word-trigram model (a weak stand-in; see models/README.md). */
    static LanguageModel embedded() {
        return NgramLanguageModel.embedded();
    }
}
