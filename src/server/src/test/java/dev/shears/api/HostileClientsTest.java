package dev.shears.api;

import io.quarkus.test.junit.QuarkusTest;

/** {@link HostileClientsContract} against the application in the test JVM. */
@QuarkusTest
class HostileClientsTest extends HostileClientsContract {}
