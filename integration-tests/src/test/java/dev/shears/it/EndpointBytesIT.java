package dev.shears.it;

import dev.shears.api.EndpointBytesContract;
import org.junit.jupiter.api.extension.ExtendWith;

/** The byte-level corpus against every JSON endpoint of the packaged service. */
@ExtendWith(PackagedShears.class)
class EndpointBytesIT extends EndpointBytesContract {}
