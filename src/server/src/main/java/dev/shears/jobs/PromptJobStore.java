package dev.shears.jobs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;
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

/** JDBC access to the {@code prompt_jobs} table (schema: Flyway, {@code db/migration}). */
@ApplicationScoped
public class PromptJobStore {

    private static final String COLUMNS = "id, state, generation, evaluations, max_evaluations, best_fitness, best_prompt,"
            + " result, error, created_at, updated_at, finished_at";

    @Inject
    DataSource dataSource;

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

    /** Ids of jobs queued or left running (by a stopped process), oldest first. */
    public List<String> unfinished() {
        return query("SELECT " + COLUMNS + " FROM prompt_jobs WHERE state IN (?, ?) ORDER BY created_at, id",
                PromptJob.QUEUED, PromptJob.RUNNING).stream().map(PromptJob::id).toList();
    }

    public String request(String id) {
        return string("SELECT request FROM prompt_jobs WHERE id = ?", id);
    }

    public String checkpoint(String id) {
        return string("SELECT checkpoint FROM prompt_jobs WHERE id = ?", id);
    }

    /** Marks a queued (or resumed running) job running; false when it is no longer queued/running (cancelled). */
    public boolean start(String id) {
        return update("UPDATE prompt_jobs SET state = ?, updated_at = ? WHERE id = ? AND state IN (?, ?)",
                PromptJob.RUNNING, System.currentTimeMillis(), id, PromptJob.QUEUED, PromptJob.RUNNING) == 1;
    }

    public void progress(String id, String checkpoint, int generation, int evaluations, double bestFitness,
            String bestPrompt) {
        update("UPDATE prompt_jobs SET checkpoint = ?, generation = ?, evaluations = ?, best_fitness = ?, best_prompt = ?,"
                + " updated_at = ? WHERE id = ? AND state = ?", checkpoint, generation, evaluations, bestFitness,
                bestPrompt, System.currentTimeMillis(), id, PromptJob.RUNNING);
    }

    public void succeed(String id, String result, double bestFitness, String bestPrompt) {
        long now = System.currentTimeMillis();
        update("UPDATE prompt_jobs SET state = ?, result = ?, best_fitness = ?, best_prompt = ?, updated_at = ?,"
                + " finished_at = ? WHERE id = ? AND state = ?", PromptJob.SUCCEEDED, result, bestFitness, bestPrompt,
                now, now, id, PromptJob.RUNNING);
    }

    public void fail(String id, String error) {
        long now = System.currentTimeMillis();
        update("UPDATE prompt_jobs SET state = ?, error = ?, updated_at = ?, finished_at = ? WHERE id = ? AND state IN (?, ?)",
                PromptJob.FAILED, error, now, now, id, PromptJob.QUEUED, PromptJob.RUNNING);
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
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = prepare(c, sql, args);
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
                        rs.getString("error"), rs.getLong("created_at"), rs.getLong("updated_at"), finishedAt));
            }
            return out;
        } catch (SQLException | JsonProcessingException e) {
            throw new IllegalStateException("job store: " + e.getMessage(), e);
        }
    }

    private String string(String sql, Object... args) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = prepare(c, sql, args);
                ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getString(1) : null;
        } catch (SQLException e) {
            throw new IllegalStateException("job store: " + e.getMessage(), e);
        }
    }

    private int update(String sql, Object... args) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = prepare(c, sql, args)) {
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
