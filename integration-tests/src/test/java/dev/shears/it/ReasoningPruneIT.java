package dev.shears.it;

import dev.shears.api.ReasoningPruneContract;
import org.junit.jupiter.api.extension.ExtendWith;

/** Reasoning-step pruning against the packaged service, with its embedded trigram scorer. */
@ExtendWith(PackagedShears.class)
class ReasoningPruneIT extends ReasoningPruneContract {}
