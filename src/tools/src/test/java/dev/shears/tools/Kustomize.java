package dev.shears.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.zjsonpatch.JsonPatch;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The part of kustomize that k8s/ uses, so that the tests can render an overlay with no kustomize binary:
 * {@code resources} (files or kustomization directories), {@code patches} (strategic-merge patches found by kind and
 * name, RFC 6902 patches through zjsonpatch on a kind/name target) and {@code images}. Any other kustomization field
 * fails, so an overlay never silently uses a feature rendered differently here; where kubectl is installed the
 * tests also compare with the real kustomize.
 */
final class Kustomize {

    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Set<String> FIELDS = Set.of("apiVersion", "kind", "resources", "patches", "images");
    /** Lists that strategic merge merges item by item, on these keys (as Kubernetes' API declares them); others are replaced. */
    private static final Map<String, String> MERGE_KEYS = Map.of("containers", "name", "initContainers", "name",
            "env", "name", "volumes", "name", "volumeMounts", "mountPath", "ports", "containerPort");

    private Kustomize() {
    }

    static List<ObjectNode> render(Path dir) throws IOException {
        JsonNode kustomization = documents(dir.resolve("kustomization.yaml")).get(0);
        kustomization.fieldNames().forEachRemaining(field -> {
            if (!FIELDS.contains(field)) {
                throw new IllegalArgumentException(dir + ": kustomization field not rendered by the tests: " + field);
            }
        });
        List<ObjectNode> resources = new ArrayList<>();
        for (JsonNode entry : kustomization.path("resources")) {
            Path path = dir.resolve(entry.asText());
            if (Files.isDirectory(path)) {
                resources.addAll(render(path));
            } else {
                documents(path).forEach(doc -> resources.add((ObjectNode) doc));
            }
        }
        for (JsonNode patch : kustomization.path("patches")) {
            JsonNode body = patch.has("path") ? documents(dir.resolve(patch.get("path").asText())).get(0)
                    : YAML.readTree(patch.get("patch").asText());
            JsonNode id = body.isArray() ? patch.get("target") : body;
            int i = indexOf(resources, id.path("kind").asText(),
                    body.isArray() ? id.path("name").asText() : id.at("/metadata/name").asText(), dir);
            resources.set(i, (ObjectNode) (body.isArray() ? JsonPatch.apply(body, resources.get(i))
                    : merge(resources.get(i), body, "")));
        }
        for (JsonNode image : kustomization.path("images")) {
            resources.forEach(resource -> resource.findParents("image").forEach(container -> setImage((ObjectNode) container, image)));
        }
        return resources;
    }

    /** Strategic merge as kustomize does it for the fields k8s/ patches: the patch's list items first, then the rest. */
    static JsonNode merge(JsonNode target, JsonNode patch, String field) {
        if (target == null) {
            return patch.deepCopy();
        }
        if (patch.isObject() && target.isObject()) {
            ObjectNode merged = target.deepCopy();
            patch.fields().forEachRemaining(e -> {
                if (e.getValue().isNull()) {
                    merged.remove(e.getKey());
                } else {
                    merged.set(e.getKey(), merge(merged.get(e.getKey()), e.getValue(), e.getKey()));
                }
            });
            return merged;
        }
        String key = MERGE_KEYS.get(field);
        if (key == null || !patch.isArray() || !target.isArray()) {
            return patch.deepCopy();
        }
        ArrayNode merged = YAML.createArrayNode();
        Set<JsonNode> patched = new HashSet<>();
        for (JsonNode item : patch) {
            JsonNode same = null;
            for (JsonNode t : target) {
                same = t.path(key).equals(item.path(key)) ? t : same;
            }
            merged.add(merge(same, item, ""));
            patched.add(item.path(key));
        }
        target.forEach(t -> {
            if (!patched.contains(t.path(key))) {
                merged.add(t.deepCopy());
            }
        });
        return merged;
    }

    static List<JsonNode> documents(Path file) throws IOException {
        try (var parser = YAML.getFactory().createParser(file.toFile())) {
            return YAML.readValues(parser, JsonNode.class).readAll();
        }
    }

    private static int indexOf(List<ObjectNode> resources, String kind, String name, Path dir) {
        for (int i = 0; i < resources.size(); i++) {
            if (resources.get(i).path("kind").asText().equals(kind)
                    && resources.get(i).at("/metadata/name").asText().equals(name)) {
                return i;
            }
        }
        throw new IllegalArgumentException(dir + ": no resource " + kind + "/" + name + " to patch");
    }

    /** The images transformer: an image whose name (without tag) matches gets newName and/or newTag. */
    private static void setImage(ObjectNode container, JsonNode image) {
        String ref = container.path("image").asText();
        int colon = ref.lastIndexOf(':');
        boolean tagged = colon > ref.lastIndexOf('/');
        String name = tagged ? ref.substring(0, colon) : ref;
        if (name.equals(image.path("name").asText())) {
            String tag = image.has("newTag") ? image.get("newTag").asText() : tagged ? ref.substring(colon + 1) : null;
            container.put("image", image.path("newName").asText(name) + (tag == null ? "" : ":" + tag));
        }
    }
}
