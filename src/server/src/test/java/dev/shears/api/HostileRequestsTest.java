package dev.shears.api;

import io.quarkus.test.junit.QuarkusTest;

/** {@link HostileRequestsContract} against the application in the test JVM. */
@QuarkusTest
class HostileRequestsTest extends HostileRequestsContract {}
