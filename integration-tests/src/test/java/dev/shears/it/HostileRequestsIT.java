package dev.shears.it;

import dev.shears.api.HostileRequestsTest;
import io.quarkus.test.junit.QuarkusIntegrationTest;

/** The malformed-request corpus against the packaged service running as its own process. */
@QuarkusIntegrationTest
class HostileRequestsIT extends HostileRequestsTest {}
