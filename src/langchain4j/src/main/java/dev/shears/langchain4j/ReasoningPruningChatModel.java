package dev.shears.langchain4j;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.chat.Capability;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.shears.client.ShearsClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A {@link ChatModel} that prunes the reasoning of earlier assistant turns on the way to the model it wraps
 * (Shears' ASAP reasoning-step pruning, {@code POST /v1/reasoning/prune}): each {@link AiMessage} with text and no
 * tool calls is cut to {@code keepRatio} of its tokens, least surprising steps first, given the user message before
 * it as the question. The last message and the model's answer are never touched. With
 * {@link Shears.Builder#fallbackToUnpruned}, a failed call sends the conversation unpruned.
 */
public final class ReasoningPruningChatModel implements ChatModel {

    private final Shears shears;
    private final ChatModel delegate;
    private final double keepRatio;

    ReasoningPruningChatModel(Shears shears, ChatModel delegate, double keepRatio) {
        this.shears = shears;
        this.delegate = delegate;
        this.keepRatio = keepRatio;
    }

    @Override
    public ChatResponse doChat(ChatRequest request) {
        List<ChatMessage> messages = request.messages();
        List<ChatMessage> pruned = shears.orUnpruned("reasoning pruning", () -> prune(messages), () -> messages);
        return delegate.chat(request.toBuilder().messages(pruned).build());
    }

    private List<ChatMessage> prune(List<ChatMessage> messages) {
        List<ChatMessage> out = new ArrayList<>(messages);
        String question = null;
        for (int i = 0; i < messages.size() - 1; i++) {
            if (messages.get(i) instanceof UserMessage u && u.hasSingleText()) {
                question = u.singleText();
            } else if (messages.get(i) instanceof AiMessage ai && question != null && ai.text() != null
                    && !ai.text().isBlank() && !ai.hasToolExecutionRequests()) {
                String kept = shears.backend().pruneReasoning(ShearsClient.ReasoningRequest.of(question, ai.text(), keepRatio))
                        .prunedReasoning();
                out.set(i, ai.toBuilder().text(kept).build());
            }
        }
        return out;
    }

    @Override
    public ModelProvider provider() {
        return delegate.provider();
    }

    @Override
    public Set<Capability> supportedCapabilities() {
        return delegate.supportedCapabilities();
    }
}
