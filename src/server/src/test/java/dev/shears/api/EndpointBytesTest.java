package dev.shears.api;

import io.quarkus.test.junit.QuarkusTest;

/** {@link EndpointBytesContract} against the application in the test JVM. */
@QuarkusTest
class EndpointBytesTest extends EndpointBytesContract {}
