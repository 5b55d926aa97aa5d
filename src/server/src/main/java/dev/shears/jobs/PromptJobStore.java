package dev.shears.jobs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * JDBC access to the {@code prompt_jobs} table (schema: Flyway, {@code db/migration}) on the active datasource: the
 * default (embedded H2) or the named {@code postgresql} one ({@code shears.jobs.database}). A running job is owned by
 * one replica until its lease expires; every write of a running job's progress or end names its owner, so a replica
 * that lost a job can no longer change it.
 */
@ApplicationScoped
public class PromptJobStore {

    private static final String COLUMNS = "id, state, generation, evaluations, max_evaluations, best_fitness, best_prompt,"
            + " result, error, created_at, updated_at, finished_at, owner";

    @Inject
    Instance<DataSource> h2;

    @Inject
    @io.quarkus.agroal.DataSource(POSTGRESQL)
    Instance<DataSource> postgresql;

    @Inject
    JobsConfig config;

    static final String POSTGRESQL = "postgresql";

    private volatile DataSource dataSource;

    private DataSource dataSource() {
        DataSource ds = dataSource;
        if (ds == null) {
            String db = config.database();
            if (db.equals("h2")) {
                ds = h2.get();
            } else if (db.equals(POSTGRESQL)) {
                ds = postgresql.get();
            } else {
                throw new IllegalStateException("shears.jobs.database must be 'h2' or 'postgresql', not '" + db + "'");
            }
            dataSource = ds;
        }
        return ds;
    }

    /** Whether several replicas may share this store (PostgreSQL), rather than one process owning it (H2). */
    public boolean shared() {
        return config.database().equals(POSTGRESQL);
    }

    @Inject
    ObjectMapper json;

    public void insert(String id, String request, int maxEvaluations) {
        long now = System.currentTimeMillis();
        update("INSERT INTO prompt_jobs (id, state, request, max_evaluations, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
                id, PromptJob.QUEUED, request, maxEvaluations, now, now);
    }

    public Optional<PromptJob> find(String id) {
        List<PromptJob> l = query("SELECT " + COLUMNS + " FROM prompt_jobs WHERE id = ?", id);
        return l.isEmpty() ? Optional.empty() : Optional.of(l.get(0));
    }

    public List<PromptJob> list() {
        return query("SELECT " + COLUMNS + " FROM prompt_jobs ORDER BY created_at, id");
    }

    /** Ids of jobs queued, or running without a live lease (owner stopped or died), oldest first. */
    public List<String> claimable(long now) {
        return query("SELECT " + COLUMNS + " FROM prompt_jobs WHERE state IN (?, ?) AND (owner IS NULL OR lease_expires < ?)"
                + " ORDER BY created_at, id", PromptJob.QUEUED, PromptJob.RUNNING, now).stream().map(PromptJob::id).toList();
    }

    /**
     * Atomically claims a queued job, or a running one whose lease has expired, for {@code owner} until
     * {@code now + lease}, marking it running; false when another replica holds it or it has ended (cancelled).
     */
    public boolean claim(String id, String owner, long now, long leaseMillis) {
        return update("UPDATE prompt_jobs SET state = ?, owner = ?, lease_expires = ?, updated_at = ? WHERE id = ?"
                + " AND state IN (?, ?) AND (owner IS NULL OR lease_expires < ?)", PromptJob.RUNNING, owner,
                now + leaseMillis, now, id, PromptJob.QUEUED, PromptJob.RUNNING, now) == 1;
    }

    /** Extends {@code owner}'s lease on a running job; false when it no longer owns it (or the job ended). */
    public boolean renew(String id, String owner, long until) {
        return update("UPDATE prompt_jobs SET lease_expires = ? WHERE id = ? AND owner = ? AND state = ?", until, id,
                owner, PromptJob.RUNNING) == 1;
    }

    /** Gives up the leases of {@code owner}'s running jobs (or of everyone's, owner null), so they resume at once. */
    public int release(String owner) {
        return owner == null
                ? update("UPDATE prompt_jobs SET owner = NULL, lease_expires = NULL WHERE state = ?", PromptJob.RUNNING)
                : update("UPDATE prompt_jobs SET owner = NULL, lease_expires = NULL WHERE state = ? AND owner = ?",
                        PromptJob.RUNNING, owner);
    }

    public String request(String id) {
        return string("SELECT request FROM prompt_jobs WHERE id = ?", id);
    }

    public String checkpoint(String id) {
        return string("SELECT checkpoint FROM prompt_jobs WHERE id = ?", id);
    }

    /** Stores a checkpoint; false when {@code owner} no longer owns the running job (lost lease, cancelled). */
    public boolean progress(String id, String owner, String checkpoint, int generation, int evaluations,
            double bestFitness, String bestPrompt) {
        return update("UPDATE prompt_jobs SET checkpoint = ?, generation = ?, evaluations = ?, best_fitness = ?,"
                + " best_prompt = ?, updated_at = ? WHERE id = ? AND state = ? AND owner = ?", checkpoint, generation,
                evaluations, bestFitness, bestPrompt, System.currentTimeMillis(), id, PromptJob.RUNNING, owner) == 1;
    }

    public boolean succeed(String id, String owner, String result, double bestFitness, String bestPrompt) {
        long now = System.currentTimeMillis();
        return update("UPDATE prompt_jobs SET state = ?, result = ?, best_fitness = ?, best_prompt = ?, updated_at = ?,"
                + " finished_at = ?, lease_expires = NULL WHERE id = ? AND state = ? AND owner = ?", PromptJob.SUCCEEDED,
                result, bestFitness, bestPrompt, now, now, id, PromptJob.RUNNING, owner) == 1;
    }

    public void fail(String id, String owner, String error) {
        long now = System.currentTimeMillis();
        update("UPDATE prompt_jobs SET state = ?, error = ?, updated_at = ?, finished_at = ?, lease_expires = NULL"
                + " WHERE id = ? AND state = ? AND owner = ?", PromptJob.FAILED, error, now, now, id, PromptJob.RUNNING,
                owner);
    }

    /** Cancels a queued or running job; false when it had already finished. */
    public boolean cancel(String id) {
        long now = System.currentTimeMillis();
        return update("UPDATE prompt_jobs SET state = ?, updated_at = ?, finished_at = ? WHERE id = ? AND state IN (?, ?)",
                PromptJob.CANCELLED, now, now, id, PromptJob.QUEUED, PromptJob.RUNNING) == 1;
    }

    public int deleteFinishedBefore(long millis) {
        return update("DELETE FROM prompt_jobs WHERE finished_at IS NOT NULL AND finished_at < ?", millis);
    }

    private List<PromptJob> query(String sql, Object... args) {
        try (Connection c = dataSource().getConnection(); PreparedStatement ps = prepare(c, sql, args);
                ResultSet rs = ps.executeQuery()) {
            List<PromptJob> out = new ArrayList<>();
            while (rs.next()) {
                String result = rs.getString("result");
                double best = rs.getDouble("best_fitness");
                Double bestFitness = rs.wasNull() ? null : best;
                long finished = rs.getLong("finished_at");
                Long finishedAt = rs.wasNull() ? null : finished;
                out.add(new PromptJob(rs.getString("id"), rs.getString("state"), rs.getInt("generation"),
                        rs.getInt("evaluations"), rs.getInt("max_evaluations"), bestFitness,
                        rs.getString("best_prompt"), result == null ? null : json.readTree(result),
                        rs.getString("error"), rs.getLong("created_at"), rs.getLong("updated_at"), finishedAt,
                        rs.getString("owner")));
            }
            return out;
        } catch (SQLException | JsonProcessingException e) {
            throw new IllegalStateException("job store: " + e.getMessage(), e);
        }
    }

    private String string(String sql, Object... args) {
        try (Connection c = dataSource().getConnection(); PreparedStatement ps = prepare(c, sql, args);
                ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getString(1) : null;
        } catch (SQLException e) {
            throw new IllegalStateException("job store: " + e.getMessage(), e);
        }
    }

    private int update(String sql, Object... args) {
        try (Connection c = dataSource().getConnection(); PreparedStatement ps = prepare(c, sql, args)) {
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("job store: " + e.getMessage(), e);
        }
    }

    private static PreparedStatement prepare(Connection c, String sql, Object... args) throws SQLException {
        PreparedStatement ps = c.prepareStatement(sql);
        for (int i = 0; i < args.length; i++) {
            if (args[i] == null) {
                ps.setNull(i + 1, Types.VARCHAR);
            } else {
                ps.setObject(i + 1, args[i]);
            }
        }
        return ps;
    }
}
