package dev.shears.api;

import dev.shears.api.dto.openai.ChatCompletionRequest;
import dev.shears.api.dto.openai.ChatCompletionResponse;
import dev.shears.api.dto.openai.CompletionRequest;
import dev.shears.api.dto.openai.CompletionResponse;
import dev.shears.api.dto.openai.ModelList;
import dev.shears.config.LanguageModelConfig;
import dev.shears.error.ErrorType;
import dev.shears.error.ShearsException;
import dev.shears.service.GenerationPlan;
import dev.shears.service.LocalCompletionService;
import jakarta.annotation.PostConstruct;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.function.BiFunction;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

/**
 * The locally hosted language model ({@code shears.lm.location}) over the OpenAI API, under its own prefix
 * {@code /local/v1}: completions (with vLLM-style prompt log-probs via {@code echo} and {@code max_tokens: 0}),
 * chat completions and the model list. Without a local model every endpoint answers 503.
 */
@Path("/local/v1")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class LocalLanguageModelResource {

    static final String COMPLETIONS_ENDPOINT = "local_completions";
    static final String CHAT_ENDPOINT = "local_chat_completions";

    @Inject
    LocalCompletionService service;

    @Inject
    LanguageModelConfig config;

    private GenerationRequestReader reader;

    @PostConstruct
    void init() {
        reader = new GenerationRequestReader(config.limits());
    }

    @POST
    @Path("/completions")
    @Operation(summary = "Complete prompts with the local model (OpenAI completions)",
            description = "logprobs: 0|1 returns each token's log-prob (top_logprobs is null). echo: true with"
                    + " max_tokens: 0 returns the prompt's own token log-probs; a first token nothing predicts has null.")
    @APIResponse(responseCode = "200", description = "A text_completion object",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = CompletionResponse.class)),
            headers = @Header(name = ApiDocs.TOTAL_TIME_HEADER, description = ApiDocs.TOTAL_TIME,
                    schema = @Schema(type = SchemaType.NUMBER)))
    public Response completions(CompletionRequest request, @Context HttpServerRequest http) {
        long started = System.nanoTime();
        GenerationPlan plan = reader.completion(request);
        return serve(plan, request.model(), COMPLETIONS_ENDPOINT, started, http, OpenAiResponses::completion);
    }

    @POST
    @Path("/chat/completions")
    @Operation(summary = "Chat with the local model (OpenAI chat completions, ChatML prompt)",
            description = "Messages are rendered with the ChatML template; logprobs: true returns"
                    + " choices[].logprobs.content[{token, logprob, bytes}] for the generated tokens.")
    @APIResponse(responseCode = "200", description = "A chat.completion object",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = ChatCompletionResponse.class)),
            headers = @Header(name = ApiDocs.TOTAL_TIME_HEADER, description = ApiDocs.TOTAL_TIME,
                    schema = @Schema(type = SchemaType.NUMBER)))
    public Response chat(ChatCompletionRequest request, @Context HttpServerRequest http) {
        long started = System.nanoTime();
        GenerationPlan plan = reader.chat(request);
        return serve(plan, request.model(), CHAT_ENDPOINT, started, http, OpenAiResponses::chat);
    }

    private Response serve(GenerationPlan plan, String model, String endpoint, long started, HttpServerRequest http,
                           BiFunction<LocalCompletionService.Result, Boolean, Object> body) {
        checkModel(model);
        LocalCompletionService.Result result = service.run(plan, endpoint, () -> http.response().closed());
        return TimingHeaders.add(Response.ok(body.apply(result, plan.logprobs())), result.timings(), started).build();
    }

    @GET
    @Path("/models")
    @Operation(summary = "The local model served under /local/v1")
    @APIResponse(responseCode = "200", description = "The served model", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ModelList.class)))
    public ModelList models() {
        return new ModelList("list", List.of(new ModelList.Model(service.modelId(), "model", 0, "shears",
                service.contextLength())));
    }

    /** {@code model} is optional; when given it must name the served model. */
    private void checkModel(String model) {
        String served = service.modelId();
        if (model != null && !model.equals(served)) {
            throw new ShearsException(ErrorType.NOT_FOUND, "model '" + model + "' is not served here; /local/v1/models"
                    + " lists '" + served + "'");
        }
    }
}
