package dev.shears.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shears.reasoning.answers.AnswerExtractors;
import dev.shears.reasoning.voting.Vote;
import dev.shears.service.VotingService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Path voting over an upstream answer's {@code n} choices: each choice's probability is the mean of the token
 * log-probs the upstream returned for it, the answers are extracted with the {@code auto} extractor, and the
 * answer keeps one choice, the most probable of the winning answer's paths (index 0), with the vote in
 * {@code shears.vote}.
 */
@ApplicationScoped
public class ChoiceVoting {

    @Inject
    VotingService voting;

    /** Replaces {@code choices} by the chosen one; {@code keepLogprobs} false removes the log-probs Shears asked for. */
    public void vote(ObjectNode answer, String question, boolean chat, boolean keepLogprobs, BooleanSupplier abandoned) {
        if (!(answer.get("choices") instanceof ArrayNode choices) || choices.size() < 2) {
            return;
        }
        List<VotingService.GivenPath> paths = new ArrayList<>();
        for (JsonNode c : choices) {
            String text = chat ? c.path("message").path("content").asText("") : c.path("text").asText("");
            paths.add(new VotingService.GivenPath(text, null, meanLogProb(c, chat)));
        }
        Vote vote = voting.vote(question, paths, null, AnswerExtractors.auto(), abandoned).result().vote();
        int best = -1;
        for (var a : vote.answers()) {
            if (a.answer().equals(vote.answer())) {
                for (int p : a.paths()) {
                    if (best < 0 || paths.get(p).meanLogProb() > paths.get(best).meanLogProb()) {
                        best = p;
                    }
                }
            }
        }
        if (best < 0) {
            best = 0;
        }
        ObjectNode chosen = ((ObjectNode) choices.get(best)).deepCopy();
        chosen.put("index", 0);
        if (!keepLogprobs) {
            chosen.putNull("logprobs");
        }
        ObjectNode out = answer.withObject("/shears").putObject("vote");
        out.put("answer", vote.answer());
        out.put("confidence", vote.confidence());
        out.put("choice", best);
        out.put("choices", choices.size());
        ArrayNode answers = out.putArray("answers");
        vote.answers().forEach(a -> answers.addObject().put("answer", a.answer()).put("probability", a.probability())
                .put("votes", a.votes()).set("paths", answer.arrayNode().addAll(a.paths().stream().map(answer::numberNode).toList())));
        choices.removeAll();
        choices.add(chosen);
    }

    /** The mean token log-prob of a choice, from chat's {@code logprobs.content} or completions' {@code token_logprobs}; null when none came. */
    static Double meanLogProb(JsonNode choice, boolean chat) {
        JsonNode lp = choice.path("logprobs");
        double sum = 0;
        int n = 0;
        if (chat) {
            for (JsonNode t : lp.path("content")) {
                if (t.path("logprob").isNumber()) {
                    sum += t.get("logprob").asDouble();
                    n++;
                }
            }
        } else {
            for (JsonNode t : lp.path("token_logprobs")) {
                if (t.isNumber()) {
                    sum += t.asDouble();
                    n++;
                }
            }
        }
        return n == 0 ? null : Math.min(0, sum / n);
    }
}
