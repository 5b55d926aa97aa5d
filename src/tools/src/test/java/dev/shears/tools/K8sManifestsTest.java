package dev.shears.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The manifests under k8s/ parse, and the reason-batch Job shards by its completion index. */
class K8sManifestsTest {

    private static final Path K8S = Path.of("../../k8s");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @Test
    void everyManifestParsesWithKindAndName() throws IOException {
        try (Stream<Path> files = Files.list(K8S)) {
            List<Path> yamls = files.filter(p -> p.toString().endsWith(".yaml")).toList();
            assertTrue(yamls.size() >= 2, "found " + yamls);
            for (Path file : yamls) {
                for (JsonNode doc : documents(file)) {
                    assertTrue(doc.hasNonNull("apiVersion") && doc.hasNonNull("kind"), file + ": " + doc);
                    assertTrue(doc.path("metadata").hasNonNull("name"), file + ": no metadata.name");
                }
            }
        }
    }

    @Test
    void reasonBatchJobShardsByCompletionIndex() throws IOException {
        List<JsonNode> docs = documents(K8S.resolve("reason-batch-job.yaml"));
        JsonNode job = docs.stream().filter(d -> d.path("kind").asText().equals("Job")).findFirst().orElseThrow();
        JsonNode spec = job.get("spec");
        assertEquals("Indexed", spec.path("completionMode").asText());
        int completions = spec.path("completions").asInt();
        assertTrue(completions > 1 && spec.path("parallelism").asInt() <= completions);

        JsonNode container = spec.at("/template/spec/containers/0");
        List<String> args = new ArrayList<>();
        container.get("args").forEach(a -> args.add(a.asText()));
        String shard = args.get(args.indexOf("--shard") + 1);
        assertEquals("$(JOB_COMPLETION_INDEX)/" + completions, shard, "the N of --shard is completions");
        assertTrue(args.get(1).contains("$(JOB_COMPLETION_INDEX)"), "one output file per shard: " + args.get(1));
        assertTrue(container.path("command").toString().contains("reason-batch"));
        assertTrue(container.path("resources").path("limits").has("memory"));

        String claim = spec.at("/template/spec/volumes/0/persistentVolumeClaim/claimName").asText();
        assertTrue(docs.stream().anyMatch(d -> d.path("kind").asText().equals("PersistentVolumeClaim")
                && d.at("/metadata/name").asText().equals(claim)), "the claim " + claim + " is defined");
    }

    private static List<JsonNode> documents(Path file) throws IOException {
        try (var parser = YAML.getFactory().createParser(file.toFile())) {
            return YAML.readValues(parser, JsonNode.class).readAll();
        }
    }
}
