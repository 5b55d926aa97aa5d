package dev.shears.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shears.api.RequestLimits;
import dev.shears.config.ShearsConfig;
import dev.shears.error.ShearsException;
import dev.shears.pruning.Document;
import dev.shears.pruning.PruningOptions;
import dev.shears.pruning.PruningResult;
import dev.shears.reasoning.ReasoningInput;
import dev.shears.reasoning.ReasoningOptions;
import dev.shears.service.ContextPruningService;
import dev.shears.service.ReasoningService;
import dev.shears.service.ShearsModels;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Applies a request's pruning policies to an OpenAI request body in place, touching nothing but the texts it
 * prunes. Context: the blocks marked as documents in every message (or prompt) are pruned together against the
 * question. Reasoning: earlier assistant turns' {@code <think>} blocks and {@code reasoning_content} are pruned
 * step by step or dropped. A policy that fails leaves the body as it was and, with {@code shears.gateway.fail-open},
 * the request goes on unpruned (logged, counted in {@code shears_gateway_fail_open_total{policy}}).
 * Tokens in the report are counted with the encoder's tokenizer, as context pruning counts them.
 */
@ApplicationScoped
public class RequestPruner {

    private static final Logger LOG = Logger.getLogger(RequestPruner.class);
    private static final TaggedBlocks THINK = new TaggedBlocks(List.of("think"));

    @Inject
    ContextPruningService contextPruning;

    @Inject
    ReasoningService reasoningPruning;

    @Inject
    ShearsModels models;

    @Inject
    GatewayConfig config;

    @Inject
    MeterRegistry registry;

    @Inject
    RequestLimits limits;

    @Inject
    ShearsConfig shears;

    /** One pruned part: the policy, where in the request (a JSON pointer), and its tokens before and after. */
    public record Part(String policy, String where, int tokensBefore, int tokensAfter) {}

    /** A text value inside the request: where it is, and how to read and replace it. */
    private record Slot(String where, String role, Supplier<String> get, Consumer<String> set) {}

    /** The parts pruned, in request order. */
    public List<Part> prune(ObjectNode body, GatewayPolicy policy, boolean chat, BooleanSupplier abandoned) {
        List<Part> parts = new ArrayList<>();
        TaggedBlocks documents = new TaggedBlocks(config.context().tags());
        if (policy.context()) {
            guarded("context", () -> parts.addAll(context(slots(body, chat), documents, policy, abandoned)));
        }
        if (chat && policy.reasoning() != GatewayPolicy.Reasoning.OFF) {
            guarded("reasoning", () -> parts.addAll(reasoning(body, documents, policy, abandoned)));
        }
        for (Part p : parts) {
            registry.counter("shears.gateway.tokens", "policy", p.policy(), "direction", "in").increment(p.tokensBefore());
            registry.counter("shears.gateway.tokens", "policy", p.policy(), "direction", "out").increment(p.tokensAfter());
            registry.counter("shears.gateway.tokens.saved", "policy", p.policy()).increment(p.tokensBefore() - p.tokensAfter());
        }
        return parts;
    }

    /** Runs one policy, which changes the body only once it has succeeded; fails open when configured to. */
    private void guarded(String policy, Runnable run) {
        try {
            run.run();
        } catch (RuntimeException e) {
            registry.counter("shears.gateway.fail.open", "policy", policy).increment();
            if (!config.failOpen()) {
                throw e;
            }
            LOG.warnf("%s pruning failed, forwarding that part unpruned (shears.gateway.fail-open): %s", policy, e.toString());
        }
    }

    private List<Part> context(List<Slot> slots, TaggedBlocks documents, GatewayPolicy policy, BooleanSupplier abandoned) {
        String question = policy.question() != null ? policy.question() : question(slots, documents);
        List<Document> docs = new ArrayList<>();
        List<String> where = new ArrayList<>();
        for (Slot s : slots) {
            List<TaggedBlocks.Block> blocks = documents.find(s.get().get());
            for (int i = 0; i < blocks.size(); i++) {
                docs.add(Document.of(blocks.get(i).content(s.get().get())));
                where.add(s.where() + "#" + blocks.get(i).tag() + "[" + i + "]");
            }
        }
        if (docs.isEmpty() || question.isBlank()) {
            return List.of();
        }
        // the limits of Shears' own pruning API bound the work here too; over one, the documents go on unpruned (fail-open)
        limits.query("question", question);
        limits.documentCount(docs.size());
        long total = 0;
        for (int i = 0; i < docs.size(); i++) {
            limits.document(where.get(i), docs.get(i).text());
            total += docs.get(i).text().length();
        }
        limits.totalChars(total);
        PruningOptions options = policy.threshold() == null ? PruningOptions.defaults() : PruningOptions.defaults().withThreshold(policy.threshold());
        PruningResult result = contextPruning.prune(question, docs, options, abandoned).result();
        int k = 0;
        for (Slot s : slots) {
            int first = k;
            int count = documents.find(s.get().get()).size();
            if (count > 0) {
                int[] next = {first};
                s.set().accept(documents.replaceContents(s.get().get(), content -> result.documents().get(next[0]++).prunedText()));
            }
            k += count;
        }
        List<Part> parts = new ArrayList<>();
        for (int i = 0; i < docs.size(); i++) {
            var d = result.documents().get(i);
            parts.add(new Part("context", where.get(i), d.tokensBefore(), d.tokensAfter()));
        }
        return parts;
    }

    /** The question: the last user message's text outside its documents (for completions, the prompts' text outside them). */
    static String question(List<Slot> slots, TaggedBlocks documents) {
        List<Slot> user = slots.stream().filter(s -> s.role() == null || s.role().equals("user")).toList();
        if (user.isEmpty()) {
            return "";
        }
        String lastUserWhere = user.get(user.size() - 1).where().replaceAll("/content.*$", "");
        return user.stream().filter(s -> s.role() == null || s.where().startsWith(lastUserWhere + "/"))
                .map(s -> documents.remove(s.get().get()).strip())
                .collect(Collectors.joining("\n")).strip();
    }

    private List<Part> reasoning(ObjectNode body, TaggedBlocks documents, GatewayPolicy policy, BooleanSupplier abandoned) {
        JsonNode messages = body.get("messages");
        if (!(messages instanceof ArrayNode list)) {
            return List.of();
        }
        List<Runnable> edits = new ArrayList<>();
        List<Part> parts = new ArrayList<>();
        String question = policy.question() == null ? "" : policy.question();
        boolean drop = policy.reasoning() == GatewayPolicy.Reasoning.DROP;
        for (int i = 0; i < list.size(); i++) {
            if (!(list.get(i) instanceof ObjectNode m)) {
                continue;
            }
            String role = m.path("role").asText();
            JsonNode content = m.get("content");
            if (role.equals("user") && content != null && content.isTextual() && policy.question() == null) {
                question = documents.remove(content.asText()).strip();
            }
            if (!role.equals("assistant")) {
                continue;
            }
            String q = question;
            JsonNode rc = m.get("reasoning_content");
            if (rc != null && rc.isTextual() && !rc.asText().isBlank()) {
                String before = rc.asText();
                String after = drop ? "" : prune(q, before, policy, abandoned);
                parts.add(part("/messages/" + i + "/reasoning_content", before, after));
                edits.add(drop ? () -> m.remove("reasoning_content") : () -> m.put("reasoning_content", after));
            }
            if (content != null && content.isTextual()) {
                String text = content.asText();
                List<TaggedBlocks.Block> blocks = THINK.find(text);
                if (blocks.isEmpty()) {
                    continue;
                }
                List<String> pruned = new ArrayList<>();
                for (int b = 0; b < blocks.size(); b++) {
                    String before = blocks.get(b).content(text);
                    String after = drop ? "" : prune(q, before, policy, abandoned);
                    pruned.add(after);
                    parts.add(part("/messages/" + i + "/content#think[" + b + "]", before, after));
                }
                int[] next = {0};
                String edited = drop ? THINK.remove(text).stripLeading() : THINK.replaceContents(text, c -> pruned.get(next[0]++));
                edits.add(() -> m.put("content", edited));
            }
        }
        edits.forEach(Runnable::run); // only once every turn has been pruned
        return parts;
    }

    private String prune(String question, String reasoning, GatewayPolicy policy, BooleanSupplier abandoned) {
        if (question.isBlank()) {
            question = "Answer the question.";
        }
        if (reasoning.length() > shears.reasoning().maxChars()) {
            throw ShearsException.invalid("a reasoning chain has " + reasoning.length() + " characters, more than the limit of "
                    + shears.reasoning().maxChars() + " (shears.reasoning.max-chars)");
        }
        return reasoningPruning.prune(ReasoningInput.of(question, reasoning.strip()), ReasoningOptions.keep(policy.keepRatio()), abandoned)
                .result().prunedReasoning();
    }

    private Part part(String where, String before, String after) {
        var tokens = models.pruner().model();
        return new Part("reasoning", where, tokens.countTokens(before), after.isEmpty() ? 0 : tokens.countTokens(after));
    }

    /** Every text a policy may prune: message contents (strings, or text parts) for chat, prompts for completions. */
    private static List<Slot> slots(ObjectNode body, boolean chat) {
        List<Slot> out = new ArrayList<>();
        if (!chat) {
            JsonNode prompt = body.get("prompt");
            if (prompt != null && prompt.isTextual()) {
                out.add(new Slot("/prompt", null, prompt::asText, v -> body.put("prompt", v)));
            } else if (prompt instanceof ArrayNode prompts) {
                for (int i = 0; i < prompts.size(); i++) {
                    int at = i;
                    if (prompts.get(i).isTextual()) {
                        out.add(new Slot("/prompt/" + i, null, () -> prompts.get(at).asText(), v -> prompts.set(at, v)));
                    }
                }
            }
            return out;
        }
        JsonNode messages = body.get("messages");
        if (!(messages instanceof ArrayNode list)) {
            return out;
        }
        for (int i = 0; i < list.size(); i++) {
            if (!(list.get(i) instanceof ObjectNode m)) {
                continue;
            }
            String role = m.path("role").asText();
            JsonNode content = m.get("content");
            if (content != null && content.isTextual()) {
                out.add(new Slot("/messages/" + i + "/content", role, () -> m.get("content").asText(), v -> m.put("content", v)));
            } else if (content instanceof ArrayNode contentParts) {
                for (int p = 0; p < contentParts.size(); p++) {
                    if (contentParts.get(p) instanceof ObjectNode part && part.path("type").asText().equals("text") && part.path("text").isTextual()) {
                        out.add(new Slot("/messages/" + i + "/content/" + p + "/text", role, () -> part.get("text").asText(), v -> part.put("text", v)));
                    }
                }
            }
        }
        return out;
    }
}
