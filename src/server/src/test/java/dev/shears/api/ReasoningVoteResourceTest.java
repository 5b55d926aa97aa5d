package dev.shears.api;

import io.quarkus.test.junit.QuarkusTest;

/** {@link ReasoningVoteContract} against the application in the test JVM. */
@QuarkusTest
class ReasoningVoteResourceTest extends ReasoningVoteContract {}
