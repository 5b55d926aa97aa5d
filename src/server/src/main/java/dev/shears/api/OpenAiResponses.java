package dev.shears.api;

import dev.shears.api.dto.openai.ChatCompletionResponse;
import dev.shears.api.dto.openai.CompletionResponse;
import dev.shears.api.dto.openai.Usage;
import dev.shears.lm.TokenLogProb;
import dev.shears.service.LocalCompletionService;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Builds OpenAI response objects from the local model's choices. */
final class OpenAiResponses {

    private OpenAiResponses() {}

    static CompletionResponse completion(LocalCompletionService.Result result, boolean logprobs) {
        List<CompletionResponse.Choice> choices = new ArrayList<>(result.choices().size());
        for (int i = 0; i < result.choices().size(); i++) {
            LocalCompletionService.Choice c = result.choices().get(i);
            choices.add(new CompletionResponse.Choice(i, c.text(), logprobs ? completionLogProbs(c.tokens()) : null,
                    c.finishReason()));
        }
        return new CompletionResponse("cmpl-" + UUID.randomUUID(), "text_completion", now(), result.model(), choices,
                usage(result));
    }

    static ChatCompletionResponse chat(LocalCompletionService.Result result, boolean logprobs) {
        List<ChatCompletionResponse.Choice> choices = new ArrayList<>(result.choices().size());
        for (int i = 0; i < result.choices().size(); i++) {
            LocalCompletionService.Choice c = result.choices().get(i);
            choices.add(new ChatCompletionResponse.Choice(i, new ChatCompletionResponse.Message("assistant", c.text()),
                    logprobs ? chatLogProbs(c.tokens()) : null, c.finishReason()));
        }
        return new ChatCompletionResponse("chatcmpl-" + UUID.randomUUID(), "chat.completion", now(), result.model(),
                choices, usage(result));
    }

    private static CompletionResponse.LogProbs completionLogProbs(List<TokenLogProb> tokens) {
        List<String> texts = new ArrayList<>(tokens.size());
        List<Double> values = new ArrayList<>(tokens.size());
        List<Integer> offsets = new ArrayList<>(tokens.size());
        for (TokenLogProb t : tokens) {
            texts.add(t.token());
            values.add(t.hasLogProb() ? t.logProb() : null);
            offsets.add(t.start());
        }
        return new CompletionResponse.LogProbs(texts, values, offsets, null);
    }

    private static ChatCompletionResponse.LogProbs chatLogProbs(List<TokenLogProb> tokens) {
        List<ChatCompletionResponse.TokenLogProb> content = new ArrayList<>(tokens.size());
        for (TokenLogProb t : tokens) {
            byte[] utf8 = t.token().getBytes(StandardCharsets.UTF_8);
            int[] bytes = new int[utf8.length];
            for (int i = 0; i < utf8.length; i++) {
                bytes[i] = utf8[i] & 0xFF;
            }
            content.add(new ChatCompletionResponse.TokenLogProb(t.token(), t.logProb(), bytes, List.of()));
        }
        return new ChatCompletionResponse.LogProbs(content);
    }

    private static Usage usage(LocalCompletionService.Result result) {
        return Usage.of(result.promptTokens(), result.completionTokens());
    }

    private static long now() {
        return System.currentTimeMillis() / 1000;
    }
}
