package dev.shears.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shears.api.dto.PruneRequest;
import dev.shears.error.ShearsException;
import dev.shears.pruning.Document;
import dev.shears.pruning.PruningOptions;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/** Turns a {@link PruneRequest} into domain input, or a 400 that says exactly what is wrong. */
final class PruneRequestReader {

    private static final Set<String> DOCUMENT_FIELDS = Set.of("id", "text", "title", "metadata");

    record Input(String query, List<Document> documents, List<JsonNode> metadata, PruningOptions options, boolean returnSentences) {}

    private PruneRequestReader() {}

    static Input read(PruneRequest request, RequestLimits limits) {
        if (request == null) {
            throw ShearsException.invalid("request body is required: {\"query\": ..., \"documents\": [...]}");
        }
        String query = limits.query(request.query());
        if (request.documents() == null) {
            throw ShearsException.invalid("'documents' is required");
        }
        limits.documentCount(request.documents().size());
        List<Document> documents = new ArrayList<>(request.documents().size());
        List<JsonNode> metadata = new ArrayList<>(request.documents().size());
        long total = 0;
        for (int i = 0; i < request.documents().size(); i++) {
            Document doc = document(request.documents().get(i), i, limits);
            documents.add(doc);
            JsonNode node = request.documents().get(i);
            metadata.add(node != null && node.isObject() && node.has("metadata") ? node.get("metadata") : null);
            total += doc.text().length();
        }
        limits.totalChars(total);
        PruningOptions options;
        try {
            options = new PruningOptions(request.threshold(), request.topN(), Boolean.TRUE.equals(request.alwaysKeepTitle()),
                    request.targetRatio(), request.tokenBudget());
        } catch (IllegalArgumentException e) {
            throw ShearsException.invalid(e.getMessage());
        }
        boolean sentences = request.returnSentences() == null || request.returnSentences();
        return new Input(query, documents, metadata, options, sentences);
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
            throw ShearsException.invalid("'" + field + "' is a " + node.getNodeType().name().toLowerCase()
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
        String id = node.has("id") && node.get("id").isNumber() ? node.get("id").asText() : string(node, "id", field, false);
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
            throw ShearsException.invalid("'" + field + "." + name + "' must be a string");
        }
        return value.textValue();
    }
}
