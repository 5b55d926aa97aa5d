package dev.shears.jobs;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** Prompt-search jobs ({@code /v1/prompt/jobs}). */
@ConfigMapping(prefix = "shears.jobs")
public interface JobsConfig {

    /**
     * Where jobs are stored: {@code h2} (embedded file database under {@link #dataDir()}, one process) or
     * {@code postgresql} (a shared server, {@link #postgresql()}; several replicas share the jobs).
     */
    @WithDefault("h2")
    String database();

    /** Directory of the embedded H2 job database (file {@code jobs.mv.db}); must be writable. */
    @WithDefault("./shears-data")
    String dataDir();

    /** Jobs searching at once on this replica; the rest wait, queued, in submission order. */
    @WithDefault("1")
    int maxRunning();

    /** How long a finished, failed or cancelled job (and its result) is kept. */
    @WithDefault("24h")
    Duration retention();

    /**
     * How long a replica's claim on a running job lasts without renewal; the owner renews it every third of this.
     * A job whose replica died is taken over by another once the lease has expired.
     */
    @WithDefault("30s")
    Duration lease();

    /** The PostgreSQL server ({@code shears.jobs.database=postgresql}). */
    Postgresql postgresql();

    interface Postgresql {
        /** JDBC URL, e.g. {@code jdbc:postgresql://db:5432/shears} (default that). */
        Optional<String> url();

        /** User name (default {@code shears}). */
        Optional<String> username();

        /** Password (default none). */
        Optional<String> password();
    }
}
