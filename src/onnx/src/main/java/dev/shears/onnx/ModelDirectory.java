package dev.shears.onnx;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.Logger;

/**
 * A model directory in a third-party layout (a Hugging Face Optimum export) whose files are checked before use.
 * With a {@code manifest.json} beside them ({@code {"files": {"decoder_model.onnx": {"sha256": "..."}, ...}}}),
 * every file Shears reads must be listed with its sha256 and match it, or loading fails naming the file. Without
 * one, each file's sha256 is computed and logged as unverified, so an operator can pin them (see
 * {@code models/README.md}).
 */
public final class ModelDirectory {

    private static final Logger LOG = Logger.getLogger(ModelDirectory.class.getName());

    private final Path dir;
    private final Map<String, String> expected;
    private final Map<String, String> checked = new LinkedHashMap<>();

    private ModelDirectory(Path dir, Map<String, String> expected) {
        this.dir = dir;
        this.expected = expected;
    }

    /** Reads the directory's {@code manifest.json}, when there is one. */
    public static ModelDirectory open(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new ModelLoadException("model directory '" + dir + "' does not exist or is not a directory");
        }
        Path manifest = dir.resolve(ModelManifest.FILE_NAME);
        if (!Files.exists(manifest)) {
            return new ModelDirectory(dir, null);
        }
        Map<String, String> sums = new LinkedHashMap<>();
        try {
            JsonNode files = new ObjectMapper().readTree(manifest.toFile()).path("files");
            files.fields().forEachRemaining(e -> sums.put(e.getKey(), e.getValue().path("sha256").asText("")));
        } catch (IOException e) {
            throw new ModelLoadException("cannot read " + manifest + ": " + e.getMessage(), e);
        }
        return new ModelDirectory(dir, sums);
    }

    /**
     * Writes {@code manifest.json} pinning the sha256 of every other file in {@code dir} (for a model directory
     * an operator has checked, or one the project exported itself).
     */
    public static void pin(Path dir) throws IOException {
        ObjectMapper json = new ObjectMapper();
        var root = json.createObjectNode();
        var files = root.putObject("files");
        try (var list = Files.list(dir)) {
            for (Path file : list.filter(Files::isRegularFile).sorted().toList()) {
                String name = file.getFileName().toString();
                if (!name.equals(ModelManifest.FILE_NAME)) {
                    files.putObject(name).put("sha256", sha256(file)).put("bytes", Files.size(file));
                }
            }
        }
        json.writerWithDefaultPrettyPrinter().writeValue(dir.resolve(ModelManifest.FILE_NAME).toFile(), root);
    }

    public Path path() {
        return dir;
    }

    /** True when a manifest pins the files' checksums. */
    public boolean pinned() {
        return expected != null;
    }

    /** Reads a file of the directory whole, after checking it. */
    public byte[] read(String name) {
        Path file = resolve(name);
        try {
            byte[] bytes = Files.readAllBytes(file);
            check(name, ModelLocation.sha256(bytes));
            return bytes;
        } catch (IOException e) {
            throw new ModelLoadException("cannot read '" + file + "': " + e.getMessage(), e);
        }
    }

    /** Checks a file by streaming it (for files too large to hold twice, such as external weights) and returns its path. */
    public Path verified(String name) {
        Path file = resolve(name);
        try {
            check(name, sha256(file));
            return file;
        } catch (IOException e) {
            throw new ModelLoadException("cannot read '" + file + "': " + e.getMessage(), e);
        }
    }

    /** sha256 of a file, read as a stream. */
    static String sha256(Path file) throws IOException {
        try (DigestInputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(in.getMessageDigest().digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }

    /** sha256 of every file checked so far, by name. */
    public Map<String, String> checksums() {
        return Map.copyOf(checked);
    }

    /** Logs the files loaded without a manifest to check them against. */
    public void reportUnverified() {
        if (!pinned() && !checked.isEmpty()) {
            LOG.warning("model directory " + dir + " has no manifest.json: its files were loaded unverified;"
                    + " pin them with {\"files\": {name: {\"sha256\": ...}}}: " + checked);
        }
    }

    private Path resolve(String name) {
        Path file = dir.resolve(name).normalize();
        if (!file.startsWith(dir.normalize())) {
            throw new ModelLoadException("file '" + name + "' escapes the model directory '" + dir + "'");
        }
        if (!Files.exists(file)) {
            throw new ModelLoadException("model directory '" + dir + "' has no '" + name + "'");
        }
        return file;
    }

    private void check(String name, String actual) {
        checked.put(name, actual);
        if (expected == null) {
            return;
        }
        String want = expected.get(name);
        if (want == null || want.isBlank()) {
            throw new ModelLoadException("manifest.json of '" + dir + "' has no sha256 for '" + name + "'");
        }
        if (!want.equalsIgnoreCase(actual)) {
            throw new ModelLoadException("sha256 mismatch for '" + name + "' in '" + dir + "': manifest says " + want
                    + ", file has " + actual);
        }
    }
}
