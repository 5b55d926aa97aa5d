package dev.shears.inference;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * One model's batching core, in the spirit of text-embeddings-inference: requests enqueue their tokenized
 * sequences as rows; each runner thread takes the rows waiting (up to a window), sorts them by length, cuts them
 * into forward passes by a padded-token budget, runs them, and hands each request its rows back. Rows of one
 * request may run on several runners at once, so a single large request uses every runner.
 *
 * <p>Admission is bounded by rows waiting or running ({@link Admission}): a request that does not fit is refused at
 * once (429) instead of growing latency without bound. A request waits at most its timeout (504); rows of a
 * request whose caller timed out or disconnected are dropped before they reach the model. A failing forward
 * pass fails only the requests with rows in it. Correct only for models whose outputs do not depend on
 * batch-mates (one sequence per pass, or a per-token quantized graph).
 */
public final class BatchQueue implements AutoCloseable {

    /** Where one request's time went. */
    public record Result(float[][] vectors, long queueNanos, long inferenceNanos) {}

    private static final class Job {
        final List<long[]> sequences;
        final BooleanSupplier abandoned;
        final long enqueued = System.nanoTime();
        final float[][] rows;
        final AtomicInteger remaining;
        final CompletableFuture<Result> done = new CompletableFuture<>();
        final AtomicLong started = new AtomicLong();

        Job(List<long[]> sequences, BooleanSupplier abandoned) {
            this.sequences = sequences;
            this.abandoned = abandoned;
            this.rows = new float[sequences.size()][];
            this.remaining = new AtomicInteger(sequences.size());
        }
    }

    private record Row(Job job, int index) {}

    private final String name;
    private final Function<List<long[]>, float[][]> forward;
    private final int maxBatchSize;
    private final int maxBatchTokens;
    private final Admission admission;
    private final BlockingQueue<Row> waiting = new LinkedBlockingQueue<>();
    private final AtomicLong droppedSequences = new AtomicLong();
    private final List<Thread> runners = new ArrayList<>();
    private volatile boolean closed;

    /**
     * @param forward one forward pass over exactly the given sequences, one output row each
     * @param runnerThreads threads calling {@code forward}: one per core for single-threaded sessions, one when
     *     the session's own intra-op pool already uses every core
     */
    public BatchQueue(String name, Function<List<long[]>, float[][]> forward, int maxBatchSize, int maxBatchTokens,
            int maxQueuedSequences, int runnerThreads) {
        this.name = name;
        this.forward = forward;
        this.maxBatchSize = maxBatchSize;
        this.maxBatchTokens = maxBatchTokens;
        this.admission = new Admission(maxQueuedSequences, "sequences queued for inference",
                "shears.batching.max-queued-sequences");
        for (int i = 0; i < runnerThreads; i++) {
            Thread t = new Thread(this::runLoop, "shears-batch-" + name + "-" + i);
            t.setDaemon(true);
            t.start();
            runners.add(t);
        }
    }

    /**
     * Computes the rows of {@code sequences}, batched with whatever else is waiting.
     *
     * @param abandoned true once nobody wants the answer (client gone); checked before the job is run
     */
    public Result submit(List<long[]> sequences, Duration timeout, BooleanSupplier abandoned) {
        if (sequences.isEmpty()) {
            return new Result(new float[0][], 0, 0);
        }
        if (closed) {
            throw new IllegalStateException("batch queue '" + name + "' is closed");
        }
        int n = sequences.size();
        admission.acquire(n);
        Job job = new Job(sequences, abandoned);
        for (int i = 0; i < n; i++) {
            waiting.add(new Row(job, i));
        }
        return Deadlines.await(job.done, timeout, () -> "; the model had run " + (n - job.remaining.get()) + " of this"
                + " request's " + n + " sequences: send fewer or shorter documents, or raise the timeout");
    }

    public int queuedSequences() {
        return admission.inUse();
    }

    /** Rows never run because their request had timed out, failed or been abandoned by its client. */
    public long droppedSequences() {
        return droppedSequences.get();
    }

    private void runLoop() {
        while (!closed) {
            List<Row> taken = new ArrayList<>();
            try {
                Row first = waiting.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                taken.add(first);
                // several batches' worth, so length bucketing has rows to choose from; single rows need no choice
                waiting.drainTo(taken, maxBatchSize == 1 ? 0 : maxBatchSize * 4 - 1);
                run(taken);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException | Error e) {
                taken.forEach(r -> r.job.done.completeExceptionally(e));
            }
        }
    }

    /**
     * Runs the taken rows. Every count a row touches (admission, dropped) is updated before its job can
     * complete, so a caller that has its answer never sees stale counts for its own rows.
     */
    private void run(List<Row> taken) {
        int unsettled = taken.size();
        try {
            List<Row> rows = new ArrayList<>(taken.size());
            long now = System.nanoTime();
            for (Row row : taken) {
                Job job = row.job;
                if (job.done.isDone() || job.abandoned.getAsBoolean()) {
                    settle(1);
                    unsettled--;
                    droppedSequences.incrementAndGet();
                    job.done.cancel(false);
                    continue;
                }
                job.started.compareAndSet(0, now);
                rows.add(row);
            }
            int[] lengths = rows.stream().mapToInt(r -> r.job.sequences.get(r.index).length).toArray();
            for (int[] batch : LengthBuckets.plan(lengths, maxBatchSize, maxBatchTokens)) {
                List<long[]> input = new ArrayList<>(batch.length);
                for (int i : batch) {
                    input.add(rows.get(i).job.sequences.get(rows.get(i).index));
                }
                float[][] out = null;
                RuntimeException failure = null;
                try {
                    out = forward.apply(input);
                } catch (RuntimeException e) {
                    failure = e;
                }
                settle(batch.length);
                unsettled -= batch.length;
                if (failure != null) {
                    for (int i : batch) {
                        rows.get(i).job.done.completeExceptionally(failure);
                    }
                    continue;
                }
                for (int k = 0; k < batch.length; k++) {
                    Row row = rows.get(batch[k]);
                    row.job.rows[row.index] = out[k];
                    if (row.job.remaining.decrementAndGet() == 0) {
                        Job job = row.job;
                        job.done.complete(new Result(job.rows, job.started.get() - job.enqueued, System.nanoTime() - job.started.get()));
                    }
                }
            }
        } finally {
            settle(unsettled);
        }
    }

    private void settle(int rows) {
        admission.release(rows);
    }

    @Override
    public void close() {
        closed = true;
        runners.forEach(Thread::interrupt);
        waiting.forEach(r -> r.job.done.cancel(false));
    }
}
