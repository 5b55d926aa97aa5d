package dev.shears.api;

import dev.shears.error.ErrorType;
import io.quarkus.smallrye.openapi.OpenApiFilter;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.media.Schema;

/**
 * Documents the one error body ({@code ErrorResponse}: error, error_type, status) and, on every Shears operation,
 * the error statuses it can answer with, in one place rather than on each resource: every operation can be
 * refused (401), fail (500) or find its model not ready (503); a POST can also be malformed (400), too large (413),
 * refused for load (429) or late (504); a local-model POST can name a model not served here (404).
 */
@OpenApiFilter(OpenApiFilter.RunStage.BUILD)
public class ErrorResponsesFilter implements OASFilter {

    static final String COMPONENT = "ErrorResponse";

    private static final Map<String, String> DESCRIPTIONS = Map.of(
            "400", ApiDocs.INVALID_REQUEST,
            "401", ApiDocs.UNAUTHORIZED,
            "404", ApiDocs.MODEL_NOT_SERVED,
            "413", ApiDocs.PAYLOAD_TOO_LARGE,
            "429", ApiDocs.OVERLOADED,
            "500", ApiDocs.INTERNAL,
            "504", ApiDocs.TIMEOUT);

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        if (openAPI.getComponents() == null) {
            openAPI.setComponents(OASFactory.createComponents());
        }
        openAPI.getComponents().addSchema(COMPONENT, errorBody());
        if (openAPI.getPaths() == null || openAPI.getPaths().getPathItems() == null) {
            return;
        }
        openAPI.getPaths().getPathItems().forEach((path, item) -> {
            if (path.startsWith("/v1/") || path.startsWith("/v2/") || path.startsWith("/local/")) {
                item.getOperations().forEach((method, operation) -> document(path, method, operation));
            }
        });
    }

    private static void document(String path, PathItem.HttpMethod method, Operation operation) {
        boolean local = path.startsWith("/local/");
        boolean post = method == PathItem.HttpMethod.POST;
        List<String> codes = post
                ? (local ? List.of("400", "401", "404", "413", "429", "500", "503", "504")
                         : List.of("400", "401", "413", "429", "500", "503", "504"))
                : List.of("401", "500", "503");
        for (String code : codes) {
            String description = code.equals("503")
                    ? (local ? ApiDocs.LOCAL_MODEL_UNAVAILABLE : ApiDocs.MODEL_LOADING)
                    : DESCRIPTIONS.get(code);
            operation.getResponses().addAPIResponse(code, OASFactory.createAPIResponse().description(description)
                    .content(OASFactory.createContent().addMediaType("application/json", OASFactory.createMediaType()
                            .schema(OASFactory.createSchema().ref("#/components/schemas/" + COMPONENT)))));
        }
    }

    /** The error body; {@code error_type} lists the whole vocabulary ({@link ErrorType}). */
    private static Schema errorBody() {
        return OASFactory.createSchema().type(List.of(Schema.SchemaType.OBJECT))
                .description("The body of every error")
                .addProperty("error", OASFactory.createSchema().type(List.of(Schema.SchemaType.STRING))
                        .description("What went wrong, naming the field, limit or setting involved"))
                .addProperty("error_type", OASFactory.createSchema().type(List.of(Schema.SchemaType.STRING))
                        .enumeration(Arrays.stream(ErrorType.values()).<Object>map(ErrorType::code).toList()))
                .addProperty("status", OASFactory.createSchema().type(List.of(Schema.SchemaType.INTEGER))
                        .description("The HTTP status, repeated"))
                .required(List.of("error", "error_type", "status"));
    }
}
