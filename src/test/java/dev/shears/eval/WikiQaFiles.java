package dev.shears.eval;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where tests find the WikiQA files: {@code -Ddatasets.dir} (set by the pom from {@code shears.datasets},
 * which {@code .ci/run} points at the shared folder it finds), else {@code ../shared/datasets}. A test that
 * needs the data is skipped, with the path it looked at, when the data is not on the machine.
 */
final class WikiQaFiles {

    private WikiQaFiles() {
    }

    static Path require(String name) {
        Path file = Path.of(System.getProperty("datasets.dir", "../shared/datasets")).resolve("wikiqa").resolve(name);
        assumeTrue(Files.isReadable(file), () -> "WikiQA data not found at " + file.toAbsolutePath()
                + "; set -Dshears.datasets=<folder holding wikiqa/>");
        return file;
    }
}
