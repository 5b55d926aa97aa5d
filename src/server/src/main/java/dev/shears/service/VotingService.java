package dev.shears.service;

import dev.shears.error.ShearsException;
import dev.shears.lm.Completion;
import dev.shears.lm.LanguageModel;
import dev.shears.lm.LanguageModelException;
import dev.shears.lm.SamplingRequest;
import dev.shears.lm.ScoredText;
import dev.shears.lm.ScoringRequest;
import dev.shears.reasoning.ReasoningPruner;
import dev.shears.reasoning.answers.AnswerEquivalence;
import dev.shears.reasoning.answers.AnswerExtractor;
import dev.shears.reasoning.voting.EarlyStop;
import dev.shears.reasoning.voting.PathVoter;
import dev.shears.reasoning.voting.ReasoningPath;
import dev.shears.reasoning.voting.Vote;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * RPC path voting for the REST layer. A path's probability is its mean token log-prob: as the client sent it, from
 * the client's token log-probs, or scored after the question by the configured scorer (all unscored paths in one
 * call). With {@code n}, the paths are sampled one by one from the configured model, which then must generate, and
 * sampling can stop as soon as the leading answer cannot be overtaken.
 */
@ApplicationScoped
public class VotingService {

    public static final String REASONING_VOTE = "reasoning_vote";

    @Inject
    ReasoningScorers scorers;

    @Inject
    RequestAdmission admission;

    @Inject
    LanguageModelFailures failures;

    @Inject
    MeterRegistry registry;

    /** A path as the client gave it; {@code answer} and {@code meanLogProb} are null when it gave none. */
    public record GivenPath(String text, String answer, Double meanLogProb) {}

    /** How to sample {@code n} paths when the client gave none. */
    public record Sampling(int n, double temperature, int maxTokens, Long seed, boolean earlyStop) {}

    /** The vote, the paths voted on, where their probabilities came from, and the samples early stopping saved. */
    public record Result(Vote vote, List<ReasoningPath> paths, String scorer, int samplesSaved) {}

    public Timed<Result> vote(String question, List<GivenPath> given, Sampling sampling, AnswerExtractor extractor,
            BooleanSupplier abandoned) {
        return admission.languageModel().call(() -> {
            RequestTimings timings = new RequestTimings(registry, REASONING_VOTE, abandoned);
            try {
                Result result = given != null
                        ? timings.time("score", () -> scoreGiven(question, given, extractor, abandoned))
                        : timings.time("generate", () -> sample(question, sampling, extractor, abandoned));
                return new Timed<>(result, timings);
            } catch (LanguageModelException e) {
                throw failures.translate(e);
            }
        });
    }

    private Result scoreGiven(String question, List<GivenPath> given, AnswerExtractor extractor, BooleanSupplier abandoned) {
        List<Integer> unscored = new ArrayList<>();
        for (int i = 0; i < given.size(); i++) {
            if (given.get(i).meanLogProb() == null) {
                unscored.add(i);
            }
        }
        double[] means = new double[given.size()];
        String scorer = "client";
        if (!unscored.isEmpty()) {
            LanguageModel model = scorers.forRequest(abandoned);
            List<ScoredText> scored = model.score(unscored.stream()
                    .map(i -> new ScoringRequest(ReasoningPruner.prefix(question), given.get(i).text())).toList());
            for (int k = 0; k < unscored.size(); k++) {
                means[unscored.get(k)] = scored.get(k).mean();
            }
            scorer = unscored.size() == given.size() ? model.id() : "mixed";
        }
        List<ReasoningPath> paths = new ArrayList<>(given.size());
        for (int i = 0; i < given.size(); i++) {
            GivenPath p = given.get(i);
            double mean = p.meanLogProb() != null ? p.meanLogProb() : means[i];
            String answer = p.answer() != null ? p.answer() : extractor.extract(p.text()).orElse(null);
            paths.add(new ReasoningPath(p.text(), answer, mean));
        }
        return new Result(PathVoter.vote(paths, AnswerEquivalence::equivalent), paths, scorer, 0);
    }

    private Result sample(String question, Sampling sampling, AnswerExtractor extractor, BooleanSupplier abandoned) {
        LanguageModel model = scorers.forRequest(abandoned);
        List<ReasoningPath> paths = new ArrayList<>(sampling.n());
        for (int i = 0; i < sampling.n(); i++) {
            Long seed = sampling.seed() == null ? null : sampling.seed() + i;
            Completion c = model.sample(new SamplingRequest(ReasoningPruner.prefix(question), 1, sampling.temperature(), 1.0,
                    sampling.maxTokens(), List.of(), seed)).get(0);
            double mean = new ScoredText(c.tokens()).mean();
            if (Double.isNaN(mean)) {
                throw ShearsException.invalid("the model generated an empty path; raise max_tokens");
            }
            paths.add(new ReasoningPath(c.text(), extractor.extract(c.text()).orElse(null), mean));
            if (sampling.earlyStop() && i + 1 < sampling.n()
                    && EarlyStop.check(paths, sampling.n(), AnswerEquivalence::equivalent, EarlyStop.Method.PERPLEXITY_CONSISTENCY).stop()) {
                break;
            }
        }
        return new Result(PathVoter.vote(paths, AnswerEquivalence::equivalent), paths, model.id(), sampling.n() - paths.size());
    }

}
