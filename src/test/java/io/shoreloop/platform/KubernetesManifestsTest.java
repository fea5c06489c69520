package io.shoreloop.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The Kubernetes manifests run several instances (two in the base, three in production), and each instance is one
 * persistent MQTT session whose client id must be unique (the broker hands a session to its newest connection, so two
 * instances with one id would knock each other off in turn) and stable across restarts (so that a restarted instance
 * resumes its session and gets the messages it had not acknowledged). Checked on the manifests as written, without a
 * cluster: a StatefulSet whose pods take their client id from their own name, with its governing headless service,
 * and overlays that scale that workload.
 */
class KubernetesManifestsTest {

    private static final Path K8S = Path.of("k8s");
    private static final ObjectMapper YAML = new YAMLMapper();

    @Test
    void eachInstanceIsItsOwnStableMqttSession() throws IOException {
        List<JsonNode> base = documents(K8S.resolve("base"));
        List<JsonNode> workloads = base.stream()
                .filter(d -> List.of("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet")
                        .contains(d.path("kind").asText()))
                .toList();
        assertEquals(1, workloads.size(), "one workload in k8s/base");
        JsonNode workload = workloads.get(0);
        assertEquals("StatefulSet", workload.path("kind").asText(), "stable pod names: a StatefulSet");
        String name = workload.path("metadata").path("name").asText();

        JsonNode container = workload.path("spec")
                .path("template")
                .path("spec")
                .path("containers")
                .get(0);
        JsonNode clientId = null;
        for (JsonNode env : container.path("env")) {
            if (env.path("name").asText().equals("SHORELOOP_MQTT_CLIENT_ID")) {
                clientId = env;
            }
        }
        assertTrue(clientId != null, "SHORELOOP_MQTT_CLIENT_ID is set for the container");
        assertEquals(
                "metadata.name",
                clientId.path("valueFrom").path("fieldRef").path("fieldPath").asText(),
                "the client id is the pod's own name: unique, and the same after a restart");

        String governing = workload.path("spec").path("serviceName").asText();
        assertTrue(
                base.stream()
                        .anyMatch(d -> d.path("kind").asText().equals("Service")
                                && d.path("metadata").path("name").asText().equals(governing)
                                && d.path("spec").path("clusterIP").asText().equals("None")),
                "the StatefulSet's serviceName names a headless service in k8s/base: " + governing);

        for (String overlay : List.of("production", "staging")) {
            JsonNode kustomization = YAML.readTree(K8S.resolve("overlays")
                    .resolve(overlay)
                    .resolve("kustomization.yaml")
                    .toFile());
            for (JsonNode replicas : kustomization.path("replicas")) {
                assertEquals(name, replicas.path("name").asText(), overlay + " scales the workload of k8s/base");
            }
        }
        JsonNode kustomization =
                YAML.readTree(K8S.resolve("base").resolve("kustomization.yaml").toFile());
        List<String> resources = new ArrayList<>();
        kustomization.path("resources").forEach(r -> resources.add(r.asText()));
        try (Stream<Path> files = Files.list(K8S.resolve("base"))) {
            files.map(p -> p.getFileName().toString())
                    .filter(f -> f.endsWith(".yaml") && !f.equals("kustomization.yaml"))
                    .forEach(f -> assertTrue(resources.contains(f), f + " is listed in k8s/base/kustomization.yaml"));
        }
    }

    /**
     * Each overlay as kustomize renders it (with {@code kubectl kustomize}, where kubectl is installed: this machine's
     * has kustomize 5.5): every object in the overlay's namespace, the StatefulSet at the overlay's replica count with
     * its client id still taken from the pod's name, the configuration it reads from the ConfigMap the overlay
     * generates (kustomize gives it a hashed name and must rewrite the reference), and in production a disruption
     * budget that leaves a voluntary eviction possible.
     */
    @Test
    void theOverlaysRenderWithKustomize() throws Exception {
        Assumptions.assumeTrue(onPath("kubectl"), "kubectl is not installed");
        for (var overlay : java.util.Map.of("production", 3, "staging", 1).entrySet()) {
            List<JsonNode> rendered = render(K8S.resolve("overlays").resolve(overlay.getKey()));
            String namespace = YAML.readTree(K8S.resolve("overlays")
                            .resolve(overlay.getKey())
                            .resolve("kustomization.yaml")
                            .toFile())
                    .path("namespace")
                    .asText();
            for (JsonNode d : rendered) {
                assertEquals(
                        namespace,
                        d.path("metadata").path("namespace").asText(),
                        overlay.getKey() + ": " + d.path("kind").asText() + " in the overlay's namespace");
            }
            List<JsonNode> sets = ofKind(rendered, "StatefulSet");
            assertEquals(1, sets.size(), overlay.getKey() + ": one StatefulSet");
            JsonNode spec = sets.get(0).path("spec");
            assertEquals(overlay.getValue(), spec.path("replicas").asInt(), overlay.getKey() + ": replicas");
            JsonNode container =
                    spec.path("template").path("spec").path("containers").get(0);
            assertTrue(
                    container.path("env").findValuesAsText("fieldPath").contains("metadata.name"),
                    overlay.getKey() + ": the client id from the pod's name");
            List<String> configMaps = ofKind(rendered, "ConfigMap").stream()
                    .map(c -> c.path("metadata").path("name").asText())
                    .toList();
            int fromConfigMaps = 0;
            for (JsonNode from : container.path("envFrom")) {
                if (from.has("configMapRef")) {
                    fromConfigMaps++;
                    String ref = from.path("configMapRef").path("name").asText();
                    assertTrue(configMaps.contains(ref), overlay.getKey() + ": the ConfigMap " + ref + " is rendered");
                }
            }
            assertEquals(1, fromConfigMaps, overlay.getKey() + ": the configuration comes from one ConfigMap");
            for (JsonNode budget : ofKind(rendered, "PodDisruptionBudget")) {
                assertTrue(
                        budget.path("spec").path("minAvailable").asInt() < overlay.getValue(),
                        overlay.getKey() + ": the disruption budget lets a node be drained");
            }
            if (overlay.getKey().equals("production")) {
                assertEquals(1, ofKind(rendered, "PodDisruptionBudget").size(), "production has a disruption budget");
            }
        }
    }

    private static List<JsonNode> ofKind(List<JsonNode> documents, String kind) {
        return documents.stream()
                .filter(d -> d.path("kind").asText().equals(kind))
                .toList();
    }

    private static boolean onPath(String command) {
        String path = System.getenv("PATH");
        return path != null
                && Stream.of(path.split(java.io.File.pathSeparator))
                        .anyMatch(dir -> Files.isExecutable(Path.of(dir, command)));
    }

    private static List<JsonNode> render(Path overlay) throws Exception {
        Process process = new ProcessBuilder("kubectl", "kustomize", overlay.toString())
                .redirectErrorStream(true)
                .start();
        byte[] output = process.getInputStream().readAllBytes();
        assertTrue(process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS), "kubectl kustomize finished");
        assertEquals(
                0,
                process.exitValue(),
                "kubectl kustomize " + overlay + ": " + new String(output, java.nio.charset.StandardCharsets.UTF_8));
        List<JsonNode> out = new ArrayList<>();
        try (var parser = new YAMLFactory().createParser(output)) {
            YAML.readValues(parser, JsonNode.class).forEachRemaining(out::add);
        }
        return out;
    }

    /** Every YAML document of the directory's manifests (kustomization files aside). */
    private static List<JsonNode> documents(Path dir) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml")
                            && !p.getFileName().toString().equals("kustomization.yaml"))
                    .sorted()
                    .toList()) {
                try (var parser = new YAMLFactory().createParser(f.toFile())) {
                    YAML.readValues(parser, JsonNode.class).forEachRemaining(out::add);
                }
            }
        }
        return out;
    }
}
