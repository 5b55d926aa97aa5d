package dev.shears.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shears.api.dto.PruneRequest;
import dev.shears.api.error.JsonShapes;
import dev.shears.error.ShearsException;
import dev.shears.pruning.Document;
import dev.shears.pruning.PruningOptions;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Turns the query and documents of a prune or rerank request into domain input within the configured limits,
 * or a 400 that says exactly what is wrong.
 */
@ApplicationScoped
public class PruneRequestReader {

    private static final Set<String> DOCUMENT_FIELDS = Set.of("id", "text", "title", "metadata");

    static final String BODY_REQUIRED = "request body is required: {\"query\": ..., \"documents\": [...]}";

    /** A query and its documents, with each document's {@code metadata} (null when it has none) to echo back. */
    record Passages(String query, List<Document> documents, List<JsonNode> metadata) {}

    record Input(Passages passages, PruningOptions options, boolean returnSentences) {}

    @Inject
    RequestLimits limits;

    Input read(PruneRequest request) {
        if (request == null) {
            throw ShearsException.invalid(BODY_REQUIRED);
        }
        Passages passages = passages(request.query(), request.documents());
        PruningOptions options;
        try {
            options = new PruningOptions(request.threshold(), request.topN(), Boolean.TRUE.equals(request.alwaysKeepTitle()),
                    request.targetRatio(), request.tokenBudget());
        } catch (IllegalArgumentException e) {
            throw ShearsException.invalid(e.getMessage());
        }
        boolean sentences = request.returnSentences() == null || request.returnSentences();
        return new Input(passages, options, sentences);
    }

    Passages passages(String query, List<JsonNode> nodes) {
        String checkedQuery = limits.query(query);
        if (nodes == null) {
            throw ShearsException.invalid("'documents' is required");
        }
        limits.documentCount(nodes.size());
        List<Document> documents = new ArrayList<>(nodes.size());
        List<JsonNode> metadata = new ArrayList<>(nodes.size());
        long total = 0;
        for (int i = 0; i < nodes.size(); i++) {
            Document doc = document(nodes.get(i), i, limits);
            documents.add(doc);
            JsonNode node = nodes.get(i);
            metadata.add(metadata(node, i));
            total += doc.text().length();
        }
        limits.totalChars(total);
        return new Passages(checkedQuery, documents, metadata);
    }

    private JsonNode metadata(JsonNode document, int i) {
        JsonNode metadata = document.isObject() ? document.get("metadata") : null;
        if (metadata != null) {
            limits.metadata("documents[" + i + "].metadata", metadata.toString().length());
        }
        return metadata;
    }

    private static Document document(JsonNode node, int i, RequestLimits limits) {
        String field = "documents[" + i + "]";
        if (node == null || node.isNull()) {
            throw ShearsException.invalid("'" + field + "' is null; expected a string or an object with 'text'");
        }
        if (node.isTextual()) {
            limits.document(field, node.textValue());
            return new Document(null, null, node.textValue());
        }
        if (!node.isObject()) {
            throw ShearsException.invalid("'" + field + "' is " + JsonShapes.describe(node)
                    + "; expected a string or an object with 'text'");
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!DOCUMENT_FIELDS.contains(name)) {
                throw ShearsException.invalid("unknown field '" + field + "." + name + "'; known fields: id, metadata, text, title");
            }
        }
        String text = string(node, "text", field, true);
        limits.document(field + ".text", text);
        String title = string(node, "title", field, false);
        if (title != null) {
            limits.document(field + ".title", title);
        }
        String id = string(node, "id", field, false);
        return new Document(id, title, text);
    }

    private static String string(JsonNode node, String name, String field, boolean required) {
        JsonNode value = node.get(name);
        if (value == null || value.isNull()) {
            if (required) {
                throw ShearsException.invalid("'" + field + "." + name + "' is required");
            }
            return null;
        }
        if (!value.isTextual()) {
            throw ShearsException.invalid("'" + field + "." + name + "' must be a string, not " + JsonShapes.describe(value));
        }
        return value.textValue();
    }
}
