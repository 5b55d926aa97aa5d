package dev.shears.jobs;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Prompt-search jobs ({@code /v1/prompt/jobs}). */
@ConfigMapping(prefix = "shears.jobs")
public interface JobsConfig {

    /** Directory of the embedded H2 job database (file {@code jobs.mv.db}); must be writable. */
    @WithDefault("./shears-data")
    String dataDir();

    /** Jobs searching at once on this replica; the rest wait, queued, in submission order. */
    @WithDefault("1")
    int maxRunning();

    /** How long a finished, failed or cancelled job (and its result) is kept. */
    @WithDefault("24h")
    Duration retention();
}
