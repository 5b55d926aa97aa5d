package dev.shears.it;

import dev.shears.api.ContextPruneResourceTest;
import io.quarkus.test.junit.QuarkusIntegrationTest;

/** The same checks as {@link ContextPruneResourceTest}, against the packaged service running as its own process. */
@QuarkusIntegrationTest
class ContextPruneIT extends ContextPruneResourceTest {}
