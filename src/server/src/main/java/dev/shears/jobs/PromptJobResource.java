package dev.shears.jobs;

import dev.shears.error.ErrorType;
import dev.shears.error.ShearsException;
import io.smallrye.mutiny.Multi;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.jboss.resteasy.reactive.RestStreamElementType;

/** PromptQuine prompt-pruning searches as durable jobs. */
@Path("/v1/prompt/jobs")
@Produces(MediaType.APPLICATION_JSON)
public class PromptJobResource {

    @Inject
    PromptJobService service;

    @Inject
    PromptJobStore store;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Start a prompt-pruning search (PromptQuine); 202 with the job id and its Location")
    @APIResponse(responseCode = "202", description = "The job, queued; its Location is /v1/prompt/jobs/{id}",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = PromptJob.class)))
    public Response submit(PromptJobRequest request) {
        String id = service.submit(request);
        PromptJob job = store.find(id).orElseThrow();
        return Response.accepted(job).location(URI.create("/v1/prompt/jobs/" + id)).build();
    }

    @GET
    @Operation(summary = "List the jobs kept (queued, running, and finished ones within shears.jobs.retention)")
    public Map<String, List<PromptJob>> list() {
        return Map.of("data", store.list());
    }

    @GET
    @Path("{id}")
    @Operation(summary = "A job: state, progress, best fitness and best prompt so far, the result when done")
    public PromptJob get(@PathParam("id") String id) {
        return find(id);
    }

    @DELETE
    @Path("{id}")
    @Operation(summary = "Cancel a queued or running job (a finished one is left as it is)")
    public PromptJob cancel(@PathParam("id") String id) {
        find(id);
        service.cancel(id);
        return find(id);
    }

    @GET
    @Path("{id}/events")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.APPLICATION_JSON)
    @Operation(summary = "Progress as server-sent events: the job each time it changes, until it is finished")
    public Multi<PromptJob> events(@PathParam("id") String id) {
        find(id);
        AtomicLong lastUpdate = new AtomicLong(-1);
        return Multi.createFrom().ticks().every(Duration.ofMillis(250))
                .emitOn(io.smallrye.mutiny.infrastructure.Infrastructure.getDefaultWorkerPool())
                .map(t -> store.find(id).orElse(null))
                .select().where(j -> j != null)
                .select().where(j -> j.updatedAt() != lastUpdate.getAndSet(j.updatedAt()))
                .select().first(j -> !j.terminal())
                .onCompletion().continueWith(() -> store.find(id).map(List::of).orElse(List.of()));
    }

    private PromptJob find(String id) {
        return store.find(id).orElseThrow(() -> new ShearsException(ErrorType.NOT_FOUND, "no prompt job '" + id + "'"));
    }
}
