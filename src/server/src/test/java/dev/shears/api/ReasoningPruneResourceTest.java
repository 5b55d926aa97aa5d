package dev.shears.api;

import io.quarkus.test.junit.QuarkusTest;

/** {@link ReasoningPruneContract} against the application in the test JVM. */
@QuarkusTest
class ReasoningPruneResourceTest extends ReasoningPruneContract {}
