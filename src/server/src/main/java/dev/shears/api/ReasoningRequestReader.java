package dev.shears.api;

import dev.shears.api.dto.reasoning.ReasoningPruneRequest;
import dev.shears.api.dto.reasoning.VoteRequest;
import dev.shears.config.LanguageModelConfig;
import dev.shears.config.ShearsConfig;
import dev.shears.error.ShearsException;
import dev.shears.lm.ClientLogProbs;
import dev.shears.lm.LanguageModelException;
import dev.shears.lm.ScoredText;
import dev.shears.lm.TokenLogProb;
import dev.shears.reasoning.ReasoningInput;
import dev.shears.reasoning.ReasoningOptions;
import dev.shears.reasoning.Step;
import dev.shears.reasoning.StepSplitter;
import dev.shears.reasoning.answers.AnswerExtractor;
import dev.shears.reasoning.answers.AnswerExtractors;
import dev.shears.service.VotingService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;

/** Turns reasoning-prune and vote requests into core input within the configured limits, or a 400 that names the field. */
@ApplicationScoped
public class ReasoningRequestReader {

    @Inject
    ShearsConfig config;

    @Inject
    LanguageModelConfig lm;

    @Inject
    RequestLimits limits;

    record Input(ReasoningInput input, ReasoningOptions options) {}

    record VoteInput(String question, List<VotingService.GivenPath> paths, VotingService.Sampling sampling,
                     AnswerExtractor extractor) {}

    VoteInput readVote(VoteRequest r) {
        if (r == null) {
            throw ShearsException.invalid("request body is required: {\"question\": ..., \"paths\": [...]}");
        }
        String question = limits.query("question", r.question());
        AnswerExtractor extractor = extractor(r.extractor(), r.answerRegex());
        int maxPaths = config.reasoning().maxPaths();
        if ((r.paths() == null) == (r.n() == null)) {
            throw ShearsException.invalid("give 'paths' (the sampled paths) or 'n' (how many to sample), one of them");
        }
        if (r.n() != null) {
            if (r.n() < 1 || r.n() > maxPaths) {
                throw ShearsException.invalid("'n' must be 1 to " + maxPaths + " (shears.reasoning.max-paths), not " + r.n());
            }
            double temperature = r.temperature() == null ? 0.8 : r.temperature();
            if (!(temperature >= 0) || Double.isInfinite(temperature)) {
                throw ShearsException.invalid("'temperature' must be a finite number >= 0");
            }
            int maxTokens = r.maxTokens() == null ? 256 : r.maxTokens();
            if (maxTokens < 1 || maxTokens > lm.limits().maxTokens()) {
                throw ShearsException.invalid("'max_tokens' must be 1 to " + lm.limits().maxTokens()
                        + " (shears.lm.limits.max-tokens), not " + maxTokens);
            }
            return new VoteInput(question, null, new VotingService.Sampling(r.n(), temperature, maxTokens, r.seed(),
                    Boolean.TRUE.equals(r.earlyStop())), extractor);
        }
        if (r.paths().isEmpty() || r.paths().size() > maxPaths) {
            throw ShearsException.invalid("'paths' has " + r.paths().size() + " entries; give 1 to " + maxPaths
                    + " (shears.reasoning.max-paths)");
        }
        List<VotingService.GivenPath> paths = new ArrayList<>(r.paths().size());
        for (int i = 0; i < r.paths().size(); i++) {
            VoteRequest.PathIn p = r.paths().get(i);
            String field = "paths[" + i + "]";
            if (p == null || p.text() == null) {
                throw ShearsException.invalid("'" + field + ".text' is required");
            }
            text(field + ".text", p.text());
            text(field + ".answer", p.answer());
            paths.add(new VotingService.GivenPath(p.text(), p.answer(), meanLogProb(field, p)));
        }
        return new VoteInput(question, paths, null, extractor);
    }

    private static Double meanLogProb(String field, VoteRequest.PathIn p) {
        if (p.meanLogprob() != null && p.logprobs() != null) {
            throw ShearsException.invalid("'" + field + "': give 'mean_logprob' or 'logprobs', not both");
        }
        if (p.meanLogprob() != null) {
            double mean = p.meanLogprob();
            if (!Double.isFinite(mean) || mean > 0) {
                throw ShearsException.invalid("'" + field + ".mean_logprob' must be a finite log-probability <= 0, not " + mean);
            }
            return mean;
        }
        if (p.logprobs() == null) {
            return null;
        }
        try {
            return new ScoredText(ClientLogProbs.validate(entries(p.logprobs()))).mean();
        } catch (LanguageModelException e) {
            throw ShearsException.invalid("'" + field + ".logprobs': " + e.getMessage());
        }
    }

    private static AnswerExtractor extractor(String name, String regex) {
        try {
            if (regex != null) {
                if (name != null) {
                    throw ShearsException.invalid("give 'extractor' or 'answer_regex', not both");
                }
                return AnswerExtractors.regex(regex);
            }
            return name == null ? AnswerExtractors.auto() : AnswerExtractors.named(name);
        } catch (IllegalArgumentException e) {
            throw ShearsException.invalid((regex != null ? "'answer_regex': " : "'extractor': ") + e.getMessage());
        }
    }

    Input read(ReasoningPruneRequest r) {
        if (r == null) {
            throw ShearsException.invalid("request body is required: {\"question\": ..., \"reasoning\": ...}");
        }
        String question = limits.query("question", r.question());
        ReasoningInput input = r.steps() != null ? ofSteps(question, r) : ofText(question, r);
        input = input.withAnswer(text("answer", r.answer())).withAnchor(text("anchor", r.anchor()))
                .withProtectedSteps(r.protect() == null ? null : new HashSet<>(r.protect()));
        if (r.logprobs() != null) {
            input = input.withClientLogProbs(logProbs(input.reasoning(), r.logprobs()));
        }
        try {
            return new Input(input, new ReasoningOptions(r.keepRatio(), r.maxTokens(), mode(r.mode()),
                    Boolean.TRUE.equals(r.generateAnchor())));
        } catch (IllegalArgumentException e) {
            throw ShearsException.invalid(e.getMessage());
        }
    }

    private ReasoningInput ofText(String question, ReasoningPruneRequest r) {
        if (r.reasoning() == null) {
            throw ShearsException.invalid("'reasoning' (a string) or 'steps' (an array of strings) is required");
        }
        String reasoning = text("reasoning", r.reasoning());
        List<Step> steps = StepSplitter.split(reasoning);
        stepCount(steps.size());
        return new ReasoningInput(question, reasoning, steps, null, null, null, null);
    }

    private ReasoningInput ofSteps(String question, ReasoningPruneRequest r) {
        if (r.reasoning() != null) {
            throw ShearsException.invalid("give 'reasoning' or 'steps', not both");
        }
        stepCount(r.steps().size());
        List<String> steps = new ArrayList<>(r.steps().size());
        long chars = 0;
        for (int i = 0; i < r.steps().size(); i++) {
            String step = r.steps().get(i);
            if (step == null || step.isBlank()) {
                throw ShearsException.invalid("'steps[" + i + "]' is empty");
            }
            RequestLimits.text("steps[" + i + "]", step);
            chars += step.length();
            steps.add(step);
        }
        maxChars("steps", chars);
        return ReasoningInput.ofSteps(question, steps);
    }

    private void stepCount(int count) {
        if (count == 0) {
            throw ShearsException.invalid("the reasoning has no steps: it is empty or blank");
        }
        if (count > config.reasoning().maxSteps()) {
            throw ShearsException.invalid("the reasoning has " + count + " steps, more than the limit of "
                    + config.reasoning().maxSteps() + " (shears.reasoning.max-steps)");
        }
    }

    private String text(String field, String value) {
        if (value == null) {
            return null;
        }
        maxChars(field, value.length());
        RequestLimits.text(field, value);
        return value;
    }

    private void maxChars(String field, long chars) {
        if (chars > config.reasoning().maxChars()) {
            throw ShearsException.invalid("'" + field + "' has " + chars + " characters, more than the limit of "
                    + config.reasoning().maxChars() + " (shears.reasoning.max-chars)");
        }
    }

    private static ReasoningOptions.Mode mode(String mode) {
        if (mode == null) {
            return null;
        }
        return switch (mode.toLowerCase(Locale.ROOT)) {
            case "global" -> ReasoningOptions.Mode.GLOBAL;
            case "iterative" -> ReasoningOptions.Mode.ITERATIVE;
            default -> throw ShearsException.invalid("'mode' must be global or iterative, not '" + mode + "'");
        };
    }

    private static List<ClientLogProbs.Entry> entries(List<ReasoningPruneRequest.LogProb> entries) {
        List<ClientLogProbs.Entry> out = new ArrayList<>(entries.size());
        for (int i = 0; i < entries.size(); i++) {
            ReasoningPruneRequest.LogProb e = entries.get(i);
            if (e == null) {
                throw ShearsException.invalid("'logprobs[" + i + "]' is null");
            }
            out.add(new ClientLogProbs.Entry(e.token(), e.logprob(), null, bytes(e.bytes(), i)));
        }
        return out;
    }

    private static List<TokenLogProb> logProbs(String reasoning, List<ReasoningPruneRequest.LogProb> entries) {
        List<ClientLogProbs.Entry> out = entries(entries);
        try {
            return ClientLogProbs.alignTo(reasoning, out);
        } catch (LanguageModelException e) {
            throw ShearsException.invalid("'logprobs': " + e.getMessage());
        }
    }

    private static byte[] bytes(List<Integer> values, int entry) {
        if (values == null) {
            return null;
        }
        byte[] out = new byte[values.size()];
        for (int k = 0; k < out.length; k++) {
            Integer v = values.get(k);
            if (v == null || v < 0 || v > 255) {
                throw ShearsException.invalid("'logprobs[" + entry + "].bytes[" + k + "]' must be a byte value 0 to 255");
            }
            out[k] = (byte) (int) v;
        }
        return out;
    }
}
