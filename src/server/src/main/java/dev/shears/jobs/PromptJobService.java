package dev.shears.jobs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shears.error.ShearsException;
import dev.shears.jobs.PromptJobRequest.Example;
import dev.shears.lm.LanguageModel;
import dev.shears.lm.LanguageModelQueue;
import dev.shears.lm.TokenLogProb;
import dev.shears.search.LabelLikelihoodFitness;
import dev.shears.search.LabeledExample;
import dev.shears.search.PromptQuine;
import dev.shears.search.PromptTokens;
import dev.shears.search.QuineCheckpoint;
import dev.shears.search.QuineOptions;
import dev.shears.search.QuineResult;
import dev.shears.service.LocalLanguageModel;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Validates, stores and runs PromptQuine jobs on the local language model. At most {@code shears.jobs.max-running}
 * search at once on this replica (the rest wait queued). After every generation the checkpoint goes to the database;
 * a job left running by a stopped or dead process resumes from its last checkpoint, which gives the same result as an
 * uninterrupted run (the search's randomness is derived from seed and generation).
 *
 * <p>Replicas sharing a PostgreSQL database share the jobs: each polls for claimable jobs (queued, or running with an
 * expired lease) while it has a free slot and claims one with an atomic conditional {@code UPDATE}, so one replica at
 * a time owns a job. The owner renews the lease every third of {@code shears.jobs.lease}; a replica that fails to
 * renew (it lost the job) stops searching it, and its writes name it as owner, so they no longer apply. With the
 * embedded H2 database one process owns the file, so at start-up it releases every lease left by its predecessor.
 */
@ApplicationScoped
public class PromptJobService {

    private static final Logger LOG = Logger.getLogger(PromptJobService.class);
    static final int SCORE_BATCH = 16;

    @Inject
    PromptJobStore store;

    @Inject
    LocalLanguageModel local;

    @Inject
    JobsConfig config;

    @Inject
    ObjectMapper json;

    private ExecutorService pool;
    private ScheduledExecutorService housekeeping;
    private final Set<String> cancelled = ConcurrentHashMap.newKeySet();
    /** Jobs this replica has claimed and runs. */
    private final Set<String> running = ConcurrentHashMap.newKeySet();
    /** Jobs whose lease this replica failed to renew: another may own them now. */
    private final Set<String> lost = ConcurrentHashMap.newKeySet();
    private volatile boolean stopping;
    private final String replica = replicaId();

    void start(@Observes StartupEvent ev) {
        int max = Math.max(1, config.maxRunning());
        pool = Executors.newFixedThreadPool(max, r -> {
            Thread t = new Thread(r, "shears-prompt-job");
            t.setDaemon(true);
            return t;
        });
        housekeeping = Executors.newScheduledThreadPool(2, r -> {
            Thread t = new Thread(r, "shears-prompt-job-housekeeping");
            t.setDaemon(true);
            return t;
        });
        if (!store.shared()) {
            int released = store.release(null);
            if (released > 0) {
                LOG.infof("resuming %d prompt-search job(s) left running by the previous process", released);
            }
        }
        LOG.infof("prompt-search jobs: replica %s, %s database, at most %d at once, lease %s", replica,
                config.database(), max, config.lease());
        long leaseMillis = config.lease().toMillis();
        long heartbeat = Math.max(50, leaseMillis / 3);
        housekeeping.scheduleWithFixedDelay(this::expire, 1, 60, TimeUnit.SECONDS);
        housekeeping.scheduleWithFixedDelay(this::heartbeat, heartbeat, heartbeat, TimeUnit.MILLISECONDS);
        housekeeping.scheduleWithFixedDelay(this::poll, 0, Math.min(1000, heartbeat), TimeUnit.MILLISECONDS);
    }

    void stop(@Observes ShutdownEvent ev) {
        stopping = true;
        if (pool != null) {
            pool.shutdownNow();
            housekeeping.shutdownNow();
            try {
                pool.awaitTermination(5, TimeUnit.SECONDS);
                store.release(replica);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                LOG.debug("could not release the leases at shutdown; they expire", e);
            }
        }
    }

    /** This replica's id in {@code owner}: host name and a random part (a restarted process is a new replica). */
    static String replicaId() {
        String host = System.getenv("HOSTNAME");
        if (host == null || host.isBlank()) {
            try {
                host = java.net.InetAddress.getLocalHost().getHostName();
            } catch (java.io.IOException e) {
                host = "shears";
            }
        }
        String id = host + "/" + UUID.randomUUID().toString().substring(0, 8);
        return id.length() > 200 ? id.substring(id.length() - 200) : id;
    }

    public String replica() {
        return replica;
    }

    /** Claims the oldest claimable jobs while this replica has free slots, and starts them. */
    synchronized void poll() {
        if (stopping) {
            return;
        }
        try {
            int free = Math.max(1, config.maxRunning()) - running.size();
            if (free <= 0) {
                return;
            }
            long leaseMillis = config.lease().toMillis();
            for (String id : store.claimable(System.currentTimeMillis())) {
                if (free <= 0 || stopping) {
                    break;
                }
                if (running.contains(id)) {
                    continue;
                }
                if (store.claim(id, replica, System.currentTimeMillis(), leaseMillis)) {
                    LOG.infof("replica %s claimed job %s", replica, id);
                    running.add(id);
                    lost.remove(id);
                    free--;
                    pool.submit(() -> run(id));
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("prompt-job poll failed", e);
        }
    }

    /** Renews the leases of this replica's running jobs; a job whose lease cannot be renewed is given up. */
    void heartbeat() {
        long until = System.currentTimeMillis() + config.lease().toMillis();
        for (String id : running) {
            try {
                if (!store.renew(id, replica, until)) {
                    lost.add(id);
                }
            } catch (RuntimeException e) {
                LOG.warnf(e, "could not renew the lease of job %s", id);
            }
        }
    }

    void expire() {
        try {
            store.deleteFinishedBefore(System.currentTimeMillis() - config.retention().toMillis());
        } catch (RuntimeException e) {
            LOG.warn("prompt-job retention sweep failed", e);
        }
    }

    /** Validates (4xx), stores the job queued and schedules it; the id. */
    public String submit(PromptJobRequest r) {
        LanguageModelQueue model = local.require();
        Plan plan = plan(r, model.model());
        String id = UUID.randomUUID().toString();
        try {
            store.insert(id, json.writeValueAsString(r), plan.options().maxEvaluations());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        housekeeping.execute(this::poll);
        return id;
    }

    public boolean cancel(String id) {
        cancelled.add(id);
        return store.cancel(id);
    }

    private void run(String id) {
        try {
            runClaimed(id);
        } finally {
            running.remove(id);
            lost.remove(id);
            if (!stopping) {
                housekeeping.execute(this::poll);
            }
        }
    }

    private void runClaimed(String id) {
        if (stopping) {
            return;
        }
        try {
            PromptJobRequest r = json.readValue(store.request(id), PromptJobRequest.class);
            LanguageModelQueue queue = local.require();
            LanguageModel model = queue.forRequest(Duration.ofMinutes(10), () -> stopped(id));
            Plan plan = plan(r, queue.model());
            PromptTokens tokens = PromptTokens.of(plan.prompt(), model);
            LabelLikelihoodFitness fitness = new LabelLikelihoodFitness(model, r.labelWords(), plan.fitness(), SCORE_BATCH);
            LabelLikelihoodFitness heldOut = plan.heldOut().isEmpty() ? null
                    : new LabelLikelihoodFitness(model, r.labelWords(), plan.heldOut(), SCORE_BATCH);
            String saved = store.checkpoint(id);
            QuineCheckpoint from = saved == null ? null : QuineCheckpoint.parse(saved);
            if (from != null) {
                LOG.infof("job %s resumes after generation %d (%d prompts evaluated)", id, from.generation(), from.evaluations());
            }
            QuineResult result = new PromptQuine(tokens, fitness, heldOut, plan.options()).run(from,
                    (cp, mask, best) -> {
                        if (!store.progress(id, replica, cp.toText(), cp.generation(), cp.evaluations(), best,
                                tokens.render(dev.shears.search.Mask.parse(mask)))) {
                            lost.add(id);
                        }
                    },
                    () -> stopped(id));
            if (!store.succeed(id, replica, json.writeValueAsString(result), result.bestFitness(), result.bestPrompt())) {
                LOG.infof("job %s finished here but is no longer this replica's (cancelled or taken over)", id);
                return;
            }
            LOG.infof("job %s succeeded: %d prompts evaluated, %d generations, stopped by %s", id, result.evaluations(),
                    result.generations(), result.stopReason());
        } catch (CancellationException e) {
            LOG.infof("job %s stopped: %s", id, stopping ? "shutting down (resumes at next start)"
                    : lost.contains(id) ? "its lease was lost (another replica may resume it)" : "cancelled");
        } catch (Exception e) {
            if (stopping || lost.contains(id)) {
                LOG.infof("job %s interrupted (%s); it resumes from its checkpoint", id,
                        stopping ? "shutdown" : "lease lost");
                return;
            }
            LOG.warnf(e, "job %s failed", id);
            store.fail(id, replica, String.valueOf(e.getMessage()));
        }
    }

    private boolean stopped(String id) {
        return stopping || lost.contains(id) || isCancelled(id);
    }

    private boolean isCancelled(String id) {
        if (cancelled.contains(id)) {
            return true;
        }
        return store.find(id).map(j -> j.state().equals(PromptJob.CANCELLED)).orElse(true);
    }

    record Plan(String prompt, List<LabeledExample> fitness, List<LabeledExample> heldOut, QuineOptions options) {}

    /** The prompt, examples and options of a request, or a 400 naming what is wrong. */
    static Plan plan(PromptJobRequest r, LanguageModel model) {
        if (r == null) {
            throw ShearsException.invalid("a JSON body is required");
        }
        List<String> words = r.labelWords();
        if (words == null || words.size() < 2) {
            throw ShearsException.invalid("'label_words' needs at least two label words");
        }
        for (int i = 0; i < words.size(); i++) {
            String w = words.get(i);
            List<TokenLogProb> t = w == null ? List.of() : model.tokenize(w);
            if (t.isEmpty() || w.isBlank()) {
                throw ShearsException.invalid("label word " + i + " (" + w + ") cannot be encoded by the tokenizer of '"
                        + model.id() + "': it gives no tokens");
            }
            StringBuilder back = new StringBuilder();
            t.forEach(x -> back.append(x.token()));
            if (!back.toString().equals(w)) {
                throw ShearsException.invalid("label word " + i + " (" + w + ") cannot be encoded by the tokenizer of '"
                        + model.id() + "': its tokens read back as '" + back + "'");
            }
        }
        if (r.demonstrations() == null || r.demonstrations().isEmpty()) {
            throw ShearsException.invalid("'demonstrations' must not be empty: the search prunes a few-shot prompt");
        }
        List<LabeledExample> demos = examples("demonstrations", r.demonstrations(), words.size());
        List<LabeledExample> fit = examples("fitness_examples", r.fitnessExamples(), words.size());
        if (fit.isEmpty()) {
            throw ShearsException.invalid("'fitness_examples' must not be empty");
        }
        List<LabeledExample> held = r.heldOutExamples() == null ? List.of()
                : examples("held_out_examples", r.heldOutExamples(), words.size());
        PromptJobRequest.Budget b = r.budget();
        if (b == null || b.maxEvaluations() == null || b.maxEvaluations() < 1) {
            throw ShearsException.invalid("'budget.max_evaluations' must be at least 1");
        }
        if (b.maxGenerations() != null && b.maxGenerations() < 0 || b.maxSeconds() != null && b.maxSeconds() < 0) {
            throw ShearsException.invalid("'budget.max_generations' and 'budget.max_seconds' must be >= 0 (0: no limit)");
        }
        StringBuilder prompt = new StringBuilder();
        if (r.instruction() != null && !r.instruction().isBlank()) {
            prompt.append(r.instruction().strip()).append("\n\n");
        }
        for (LabeledExample d : demos) {
            prompt.append(d.input()).append(words.get(d.label())).append("\n\n");
        }
        prompt.append(LabelLikelihoodFitness.INPUT);
        String text = prompt.toString();
        int longestWord = words.stream().mapToInt(model::countTokens).max().orElse(0);
        List<LabeledExample> all = new ArrayList<>(fit);
        all.addAll(held);
        for (LabeledExample e : all) {
            int n = model.countTokens(LabelLikelihoodFitness.fill(text, e.input())) + longestWord;
            if (n > model.contextLength()) {
                throw ShearsException.invalid("the prompt with example input '" + abbreviate(e.input()) + "' and a label"
                        + " word is " + n + " tokens, longer than the context of '" + model.id() + "' ("
                        + model.contextLength() + " tokens)");
            }
        }
        QuineOptions d = QuineOptions.defaults(r.seed() == null ? 0 : r.seed());
        int population = r.populationSize() == null ? d.populationSize() : r.populationSize();
        int offspring = r.offspring() == null ? d.offspring() : r.offspring();
        if (population < 1 || offspring < 1) {
            throw ShearsException.invalid("'population_size' and 'offspring' must be at least 1");
        }
        QuineOptions o = d.withPopulation(population, offspring)
                .withBudget(b.maxEvaluations(), b.maxGenerations() == null ? 0 : b.maxGenerations(),
                        b.maxSeconds() == null ? 0 : b.maxSeconds() * 1000)
                .withMinMeanLength(r.minMeanLength() == null ? d.minMeanLength() : r.minMeanLength());
        return new Plan(text, fit, held, o);
    }

    private static List<LabeledExample> examples(String field, List<Example> in, int labels) {
        List<LabeledExample> out = new ArrayList<>();
        if (in == null) {
            return out;
        }
        for (int i = 0; i < in.size(); i++) {
            Example e = in.get(i);
            if (e == null || e.input() == null || e.input().isEmpty()) {
                throw ShearsException.invalid("'" + field + "[" + i + "].input' must be a non-empty string");
            }
            if (e.label() == null || e.label() < 0 || e.label() >= labels) {
                throw ShearsException.invalid("'" + field + "[" + i + "].label' must index 'label_words' (0 to "
                        + (labels - 1) + ")");
            }
            out.add(new LabeledExample(e.input(), e.label()));
        }
        return out;
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "…";
    }

}
