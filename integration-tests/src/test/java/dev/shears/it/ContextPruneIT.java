package dev.shears.it;

import dev.shears.api.ContextPruneContract;
import org.junit.jupiter.api.extension.ExtendWith;

/** The same checks as the server's {@code ContextPruneResourceTest}, against the packaged service in its own process. */
@ExtendWith(PackagedShears.class)
class ContextPruneIT extends ContextPruneContract {}
