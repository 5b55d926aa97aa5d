package dev.shears.tools;

import static dev.shears.tools.Kustomize.YAML;
import static dev.shears.tools.Kustomize.documents;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.io.IOException;
import java.io.Reader;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Offline checks of k8s/: each overlay's committed rendered.yaml is what its kustomization renders to (with the
 * renderer in {@link Kustomize}, and with kubectl's kustomize where installed), every document parses into a
 * Kubernetes model object with no unknown field, and the Shears containers are probed on Shears' health paths,
 * on its configured port, hardened and limited.
 */
class K8sManifestsTest {

    private static final Path K8S = Path.of("../../k8s");
    private static final Path OVERLAYS = K8S.resolve("overlays");
    private static final String SHEARS = "shears";

    @Test
    void everyOverlayRendersToItsCommittedOutput() throws IOException {
        for (Path overlay : overlays()) {
            assertEquals(byId(Kustomize.render(overlay)), byId(documents(overlay.resolve("rendered.yaml"))),
                    overlay + ": rendered.yaml is stale; regenerate it (k8s/README.md, Validation)");
        }
    }

    @Test
    void kubectlKustomizeAgreesWhenInstalled() throws Exception {
        Assumptions.assumeTrue(onPath("kubectl"), "kubectl is not installed; the renderer's check above still ran");
        for (Path overlay : overlays()) {
            Process kubectl = new ProcessBuilder("kubectl", "kustomize", overlay.toString()).redirectErrorStream(true).start();
            List<JsonNode> rendered;
            try (var parser = YAML.getFactory().createParser(kubectl.getInputStream())) {
                rendered = YAML.readValues(parser, JsonNode.class).readAll();
            }
            assertTrue(kubectl.waitFor(60, TimeUnit.SECONDS) && kubectl.exitValue() == 0, overlay + ": kubectl kustomize failed");
            assertEquals(byId(rendered), byId(documents(overlay.resolve("rendered.yaml"))), overlay.toString());
        }
    }

    @Test
    void everyDocumentIsAKubernetesObjectWithNoUnknownField() throws Exception {
        for (Path file : manifests()) {
            for (JsonNode doc : documents(file)) {
                KubernetesResource resource = YAML.treeToValue(doc, KubernetesResource.class);
                assertFalse(resource instanceof GenericKubernetesResource, file + ": unknown kind " + doc.path("kind"));
                assertNotNull(((HasMetadata) resource).getMetadata().getName(), file + ": no name");
                noUnknownFields(resource, file + " " + doc.path("kind").asText());
            }
        }
    }

    @Test
    void shearsContainersAreProbedOnShearsPathsHardenedAndSized() throws IOException {
        int port = Integer.parseInt(applicationProperties().getProperty("quarkus.http.port"));
        for (Path overlay : overlays()) {
            PodSpec pod = deployment(overlay).getSpec().getTemplate().getSpec();
            Container shears = shearsContainer(pod);
            String where = overlay.getFileName() + ": ";
            assertEquals(port, shears.getPorts().get(0).getContainerPort(), where + "port");
            assertEquals("http", shears.getPorts().get(0).getName());
            assertProbe(shears.getStartupProbe(), "/q/health/started", where);
            assertProbe(shears.getReadinessProbe(), "/q/health/ready", where);
            assertProbe(shears.getLivenessProbe(), "/q/health/live", where);
            Map<String, String> annotations = deployment(overlay).getSpec().getTemplate().getMetadata().getAnnotations();
            assertEquals("true", annotations.get("prometheus.io/scrape"), where);
            assertEquals(String.valueOf(port), annotations.get("prometheus.io/port"), where);
            assertEquals("/q/metrics", annotations.get("prometheus.io/path"), where);

            assertTrue(shears.getSecurityContext().getReadOnlyRootFilesystem(), where + "read-only root");
            assertTrue(shears.getVolumeMounts().stream().anyMatch(m -> m.getMountPath().equals("/tmp")), where + "/tmp mounted");
            assertEquals("/tmp/djl.ai", env(shears, "DJL_CACHE_DIR"), where + "tokenizers unpack onto /tmp");
            Map<String, Quantity> limits = shears.getResources().getLimits();
            assertEquals(limits.get("memory"), shears.getResources().getRequests().get("memory"), where + "memory request = limit");
            assertTrue(Quantity.getAmountInBytes(limits.get("memory")).longValue() >= 1L << 30, where + "1 GiB at least (k8s/README.md)");
            assertEquals(Quantity.getAmountInBytes(limits.get("cpu")).intValue(), Integer.parseInt(env(shears, "SHEARS_BATCHING_RUNNERS"))
                    * (overlay.endsWith("shared-service-gpu") ? 4 : 1), where + "one runner per CPU on the CPU overlays");

            // SIGTERM: preStop sleep + the shutdown timeout fit in the grace period, and the timeout covers a request.
            long shutdown = Duration.parse("PT" + env(shears, "QUARKUS_SHUTDOWN_TIMEOUT").toUpperCase()).toSeconds();
            long preStop = shears.getLifecycle() == null ? 0 : Long.parseLong(shears.getLifecycle().getPreStop().getExec().getCommand().get(1));
            assertTrue(preStop + shutdown < pod.getTerminationGracePeriodSeconds(), where + "grace period");
            assertEquals(shutdown, Duration.parse("PT" + config(overlay, "SHEARS_LIMITS_REQUEST_TIMEOUT").toUpperCase()).toSeconds(), where);

            for (Container c : allContainers(pod)) {
                assertHardened(c, where + c.getName());
                assertNotNull(c.getResources().getLimits().get("memory"), where + c.getName() + ": memory limit");
            }
        }
    }

    @Test
    void nativeSidecarIsARestartingInitContainerAndThePlainOneARegularContainer() throws IOException {
        PodSpec pod = deployment(OVERLAYS.resolve("sidecar")).getSpec().getTemplate().getSpec();
        Container sidecar = pod.getInitContainers().stream().filter(c -> c.getName().equals(SHEARS)).findFirst().orElseThrow();
        assertEquals("Always", sidecar.getRestartPolicy());
        assertTrue(pod.getContainers().stream().noneMatch(c -> c.getName().equals(SHEARS)));
        assertEquals("http://localhost:8080", env(pod.getContainers().get(0), "SHEARS_URL"));

        PodSpec plain = deployment(OVERLAYS.resolve("sidecar-plain")).getSpec().getTemplate().getSpec();
        assertTrue(plain.getInitContainers().isEmpty());
        assertEquals(2, plain.getContainers().size());
        assertEquals("false", config(OVERLAYS.resolve("sidecar"), "SHEARS_AUTH_ENABLED"), "pod-local: no keys");
    }

    @Test
    void sharedServiceIsReachableScaledProtectedAndRequiresKeys() throws IOException {
        for (String name : List.of("shared-service", "shared-service-gpu", "models-volume")) {
            Path overlay = OVERLAYS.resolve(name);
            Deployment deployment = deployment(overlay);
            Map<String, String> podLabels = deployment.getSpec().getTemplate().getMetadata().getLabels();
            Service service = only(overlay, Service.class);
            assertTrue(podLabels.entrySet().containsAll(service.getSpec().getSelector().entrySet()), name + ": Service selects the pods");
            assertEquals("http", service.getSpec().getPorts().get(0).getTargetPort().getStrVal());
            HorizontalPodAutoscaler hpa = only(overlay, HorizontalPodAutoscaler.class);
            assertEquals(deployment.getMetadata().getName(), hpa.getSpec().getScaleTargetRef().getName());
            PodDisruptionBudget pdb = only(overlay, PodDisruptionBudget.class);
            assertTrue(podLabels.entrySet().containsAll(pdb.getSpec().getSelector().getMatchLabels().entrySet()));
            assertTrue(deployment.getSpec().getReplicas() > 1 || hpa.getSpec().getMinReplicas() == 1);
            assertEquals("true", config(overlay, "SHEARS_AUTH_ENABLED"));
            var secret = shearsContainer(deployment.getSpec().getTemplate().getSpec()).getEnvFrom().stream()
                    .filter(e -> e.getSecretRef() != null).findFirst().orElseThrow().getSecretRef();
            assertEquals("shears-api-keys", secret.getName());
            assertTrue(secret.getOptional() == null || !secret.getOptional(), name + ": the keys are required");
        }
        Path gpu = OVERLAYS.resolve("shared-service-gpu");
        PodSpec pod = deployment(gpu).getSpec().getTemplate().getSpec();
        assertEquals(new Quantity("1"), shearsContainer(pod).getResources().getLimits().get("nvidia.com/gpu"));
        assertTrue(pod.getTolerations().stream().anyMatch(t -> t.getKey().equals("nvidia.com/gpu")));
        assertEquals("cuda", config(gpu, "SHEARS_RUNTIME_DEVICE"));
        assertEquals("shears_queue_sequences", only(gpu, HorizontalPodAutoscaler.class).getSpec().getMetrics().get(0).getPods().getMetric().getName());
        assertTrue(only(OVERLAYS.resolve("shared-service"), HorizontalPodAutoscaler.class).getSpec().getMetrics().get(0).getResource().getName().equals("cpu"));
    }

    @Test
    void modelsComeFromAReadOnlyVolumeFilledBeforeShearsStarts() throws IOException {
        Path overlay = OVERLAYS.resolve("models-volume");
        PodSpec pod = deployment(overlay).getSpec().getTemplate().getSpec();
        String location = config(overlay, "SHEARS_MODEL_LOCATION");
        var mount = shearsContainer(pod).getVolumeMounts().stream().filter(m -> location.startsWith(m.getMountPath())).findFirst().orElseThrow();
        assertTrue(mount.getReadOnly());
        assertTrue(pod.getInitContainers().stream().anyMatch(c -> c.getRestartPolicy() == null
                && c.getVolumeMounts().stream().anyMatch(m -> m.getName().equals(mount.getName()) && !Boolean.TRUE.equals(m.getReadOnly()))));
    }

    @Test
    void rendererMergesListsByKeyInKustomizeOrderAndReplacesOthers() throws IOException {
        JsonNode target = YAML.readTree("{containers: [{name: a, env: [{name: X, value: '1'}, {name: Y, value: '2'}]}], args: [p, q]}");
        JsonNode patch = YAML.readTree("{containers: [{name: b}, {name: a, env: [{name: Y, value: '3'}], image: null}], args: [r]}");
        assertEquals(YAML.readTree("{containers: [{name: b}, {name: a, env: [{name: Y, value: '3'}, {name: X, value: '1'}]}], args: [r]}"),
                Kustomize.merge(target, patch, ""));
    }

    @Test
    void reasonBatchJobShardsByCompletionIndex() throws IOException {
        Path file = K8S.resolve("jobs/reason-batch-job.yaml");
        List<JsonNode> docs = documents(file);
        Job job = YAML.treeToValue(docs.stream().filter(d -> d.path("kind").asText().equals("Job")).findFirst().orElseThrow(), Job.class);
        assertEquals("Indexed", job.getSpec().getCompletionMode());
        int completions = job.getSpec().getCompletions();
        assertTrue(completions > 1 && job.getSpec().getParallelism() <= completions);

        Container container = job.getSpec().getTemplate().getSpec().getContainers().get(0);
        List<String> args = container.getArgs();
        assertEquals("$(JOB_COMPLETION_INDEX)/" + completions, args.get(args.indexOf("--shard") + 1), "the N of --shard is completions");
        assertTrue(args.get(1).contains("$(JOB_COMPLETION_INDEX)"), "one output file per shard: " + args.get(1));
        assertTrue(container.getCommand().toString().contains("reason-batch"));
        assertNotNull(container.getResources().getLimits().get("memory"));
        assertHardened(container, "reason-batch");

        String claim = job.getSpec().getTemplate().getSpec().getVolumes().get(0).getPersistentVolumeClaim().getClaimName();
        assertTrue(docs.stream().anyMatch(d -> d.path("kind").asText().equals("PersistentVolumeClaim")
                && d.at("/metadata/name").asText().equals(claim)), "the claim " + claim + " is defined");
    }

    private static void assertProbe(Probe probe, String path, String where) {
        assertNotNull(probe, where + path);
        assertEquals(path, probe.getHttpGet().getPath(), where);
        assertEquals("http", probe.getHttpGet().getPort().getStrVal(), where + "probe port");
    }

    private static void assertHardened(Container c, String where) {
        SecurityContext sc = c.getSecurityContext();
        assertNotNull(sc, where + ": securityContext");
        assertTrue(sc.getRunAsNonRoot(), where + ": runAsNonRoot");
        assertFalse(sc.getAllowPrivilegeEscalation(), where + ": allowPrivilegeEscalation");
        assertEquals(List.of("ALL"), sc.getCapabilities().getDrop(), where + ": capabilities");
        assertEquals("RuntimeDefault", sc.getSeccompProfile().getType(), where + ": seccomp");
        if (!c.getName().equals("app")) { // the application's own container is yours to harden further
            assertTrue(sc.getReadOnlyRootFilesystem(), where + ": readOnlyRootFilesystem");
        }
    }

    /** Fabric8 models keep unknown fields (typos such as readOnlyRootFileSystem) in additionalProperties: none may be there. */
    private static void noUnknownFields(Object node, String where) throws Exception {
        if (node instanceof Collection<?> items) {
            for (Object item : items) {
                noUnknownFields(item, where);
            }
        } else if (node instanceof Map<?, ?> map) {
            for (Object value : map.values()) {
                noUnknownFields(value, where);
            }
        } else if (node != null && node.getClass().getPackageName().startsWith("io.fabric8.kubernetes.api.model")) {
            for (Method getter : node.getClass().getMethods()) {
                if (getter.getParameterCount() == 0 && getter.getName().startsWith("get")
                        && getter.getDeclaringClass().getPackageName().startsWith("io.fabric8")) {
                    Object value = getter.invoke(node);
                    if (getter.getName().equals("getAdditionalProperties")) {
                        assertTrue(((Map<?, ?>) value).isEmpty(), where + ": unknown field(s) " + value + " in " + node.getClass().getSimpleName());
                    } else {
                        noUnknownFields(value, where);
                    }
                }
            }
        }
    }

    private static List<Path> overlays() throws IOException {
        try (Stream<Path> dirs = Files.list(OVERLAYS)) {
            List<Path> found = dirs.filter(d -> Files.exists(d.resolve("kustomization.yaml"))).sorted().toList();
            assertTrue(found.size() >= 5, "found " + found);
            return found;
        }
    }

    private static List<Path> manifests() throws IOException {
        List<Path> files = new ArrayList<>();
        for (Path overlay : overlays()) {
            files.add(overlay.resolve("rendered.yaml"));
        }
        files.add(K8S.resolve("jobs/reason-batch-job.yaml"));
        return files;
    }

    private static Map<String, JsonNode> byId(List<? extends JsonNode> docs) {
        Map<String, JsonNode> byId = new HashMap<>();
        docs.forEach(d -> assertEquals(null, byId.put(d.path("kind").asText() + "/" + d.at("/metadata/name").asText(), d), "duplicate " + d));
        return byId;
    }

    private static <T> T only(Path overlay, Class<T> type) throws IOException {
        List<T> found = new ArrayList<>();
        for (JsonNode doc : documents(overlay.resolve("rendered.yaml"))) {
            KubernetesResource resource = YAML.treeToValue(doc, KubernetesResource.class);
            if (type.isInstance(resource)) {
                found.add(type.cast(resource));
            }
        }
        assertEquals(1, found.size(), overlay + ": one " + type.getSimpleName());
        return found.get(0);
    }

    private static Deployment deployment(Path overlay) throws IOException {
        return only(overlay, Deployment.class);
    }

    private static String config(Path overlay, String key) throws IOException {
        return only(overlay, io.fabric8.kubernetes.api.model.ConfigMap.class).getData().get(key);
    }

    private static Container shearsContainer(PodSpec pod) {
        return allContainers(pod).stream().filter(c -> c.getName().equals(SHEARS)).findFirst().orElseThrow();
    }

    private static List<Container> allContainers(PodSpec pod) {
        List<Container> all = new ArrayList<>(pod.getInitContainers());
        all.addAll(pod.getContainers());
        return all;
    }

    private static String env(Container c, String name) {
        return c.getEnv().stream().filter(e -> e.getName().equals(name)).findFirst().orElseThrow(() -> new AssertionError(c.getName() + ": no " + name)).getValue();
    }

    private static Properties applicationProperties() throws IOException {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(Path.of("../server/src/main/resources/application.properties"))) {
            properties.load(reader);
        }
        return properties;
    }

    private static boolean onPath(String command) {
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator))
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, command)));
    }
}
