package dev.shears.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where tests find the WikiQA files: the system property {@code datasets.dir} (the pom passes its property of
 * that name, which {@code .ci/run} sets to the shared folder it finds), else {@code ../shared/datasets}. A test that
 * needs the data is skipped, with the path it looked at, when the data is not on the machine.
 */
public final class WikiQaFiles {

    private WikiQaFiles() {
    }

    public static Path require(String name) {
        Path file = Path.of(System.getProperty("datasets.dir", "../shared/datasets")).resolve("wikiqa").resolve(name);
        assumeTrue(Files.isReadable(file), () -> "WikiQA data not found at " + file.toAbsolutePath()
                + "; set -Ddatasets.dir=<folder holding wikiqa/>");
        return file;
    }
}
