package dev.shears.tools.reasoning;

import dev.shears.client.openai.OpenAiCompatibleLanguageModel;
import dev.shears.client.openai.RemoteOptions;
import dev.shears.lm.LanguageModel;
import dev.shears.onnx.lm.OnnxCausalLm;
import dev.shears.tools.CommandLine;
import java.net.URI;
import java.nio.file.Path;

/** The scoring model a {@code reason-batch} command line names. */
final class Scorers {

    /** Why no scorer could be chosen: a usage error. */
    static final class NoScorer extends IllegalArgumentException {
        NoScorer(String message) {
            super(message);
        }
    }

    private Scorers() {}

    static LanguageModel open(CommandLine cli) {
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

    /**
     * The scorer when none is named: the embedded word-trigram model. SEAM: when
     * {@code dev.shears.onnx.ngram.NgramLanguageModel} lands, this body becomes the one line that loads it
     * (its static factory for the embedded model).
     */
    static LanguageModel embedded() {
        throw new NoScorer("no embedded scorer in this build yet: give --lm-location DIR or --remote-url URL");
    }
}
