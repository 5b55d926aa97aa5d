package dev.shears.api;

import io.quarkus.test.junit.QuarkusTest;

/** {@link ContextPruneContract} against the application in the test JVM. */
@QuarkusTest
class ContextPruneResourceTest extends ContextPruneContract {}
