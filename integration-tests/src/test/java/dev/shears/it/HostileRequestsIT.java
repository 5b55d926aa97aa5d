package dev.shears.it;

import dev.shears.api.HostileRequestsContract;
import org.junit.jupiter.api.extension.ExtendWith;

/** The malformed-request corpus against the packaged service in its own process. */
@ExtendWith(PackagedShears.class)
class HostileRequestsIT extends HostileRequestsContract {}
