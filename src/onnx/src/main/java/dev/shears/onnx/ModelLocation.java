package dev.shears.onnx;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Where a model's files live: on the classpath (an embedded model shipped in a Maven jar) or in a directory
 * (a model mounted by the operator). Both hold a {@code manifest.json}; every file is read once, fully, and
 * its sha256 checked against the manifest before it is handed to ONNX Runtime or the tokenizer.
 */
public final class ModelLocation {

    private static final String CLASSPATH = "classpath:";

    private final String description;
    private final Path directory;
    private final String manifestResource;

    private ModelLocation(String description, Path directory, String manifestResource) {
        this.description = description;
        this.directory = directory;
        this.manifestResource = manifestResource;
    }

    /**
     * Parses {@code classpath:models/<id>} (manifest at that resource path, files at the classpath root, as the
     * LangChain4j model jars lay them out) or a filesystem directory.
     */
    public static ModelLocation parse(String location) {
        if (location == null || location.isBlank()) {
            throw new ModelLoadException("model location is empty");
        }
        if (location.startsWith(CLASSPATH)) {
            String base = location.substring(CLASSPATH.length()).replaceAll("^/+|/+$", "");
            return new ModelLocation(location, null, base + "/" + ModelManifest.FILE_NAME);
        }
        Path dir = Path.of(location);
        if (!Files.isDirectory(dir)) {
            throw new ModelLoadException("model directory '" + location + "' does not exist or is not a directory");
        }
        return new ModelLocation(location, dir, null);
    }

    public String description() {
        return description;
    }

    public ModelManifest manifest() {
        try (InputStream in = open(directory == null ? manifestResource : ModelManifest.FILE_NAME, true)) {
            return ModelManifest.read(in);
        } catch (IOException e) {
            throw new ModelLoadException("cannot read the manifest of model at '" + description + "': " + e.getMessage(), e);
        }
    }

    /** Reads a file named in the manifest and verifies its sha256 (mandatory for classpath models). */
    public byte[] readVerified(ModelManifest manifest, String role) {
        ModelManifest.FileEntry entry = manifest.file(role);
        byte[] bytes;
        try (InputStream in = open(entry.path(), false)) {
            bytes = in.readAllBytes();
        } catch (IOException e) {
            throw new ModelLoadException("cannot read " + role + " file '" + entry.path() + "' of model '"
                    + manifest.id() + "' at '" + description + "': " + e.getMessage(), e);
        }
        String actual = sha256(bytes);
        if (entry.sha256() == null || entry.sha256().isBlank()) {
            if (directory == null) {
                throw new ModelLoadException("manifest of embedded model '" + manifest.id() + "' has no sha256 for " + role);
            }
        } else if (!entry.sha256().equalsIgnoreCase(actual)) {
            throw new ModelLoadException("sha256 mismatch for " + role + " file '" + entry.path() + "' of model '"
                    + manifest.id() + "': manifest says " + entry.sha256() + ", file has " + actual);
        }
        return bytes;
    }

    private InputStream open(String name, boolean isManifest) throws IOException {
        if (directory != null) {
            Path file = directory.resolve(name).normalize();
            if (!file.startsWith(directory.normalize())) {
                throw new ModelLoadException("file '" + name + "' escapes the model directory '" + description + "'");
            }
            return Files.newInputStream(file);
        }
        String resource = isManifest ? name : name.replaceAll("^/+", "");
        InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream(resource);
        if (in == null) {
            in = ModelLocation.class.getClassLoader().getResourceAsStream(resource);
        }
        if (in == null) {
            throw new IOException("classpath resource '" + resource + "' not found (is the model jar on the classpath?)");
        }
        return in;
    }

    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }
}
