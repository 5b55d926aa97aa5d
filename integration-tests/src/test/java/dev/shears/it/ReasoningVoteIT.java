package dev.shears.it;

import dev.shears.api.ReasoningVoteContract;
import org.junit.jupiter.api.extension.ExtendWith;

/** Path voting against the packaged service, with its embedded trigram scorer. */
@ExtendWith(PackagedShears.class)
class ReasoningVoteIT extends ReasoningVoteContract {}
