package dev.shears.inference;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * A queue of whole model calls (a scoring batch, a generation) run one at a time per runner thread, for models
 * whose calls do not batch row by row (a causal LM). Same contract as {@link BatchQueue}: admission bounded by
 * calls waiting or running (429 at once when full), a deadline per call (504), and a call whose caller timed out
 * or hung up is dropped before it reaches the model.
 */
public final class WorkQueue implements AutoCloseable {

    private record Task<T>(Supplier<T> work, BooleanSupplier abandoned, CompletableFuture<T> done) {}

    private final String name;
    private final Admission admission;
    private final BlockingQueue<Task<?>> waiting = new LinkedBlockingQueue<>();
    private final AtomicLong dropped = new AtomicLong();
    private final List<Thread> runners = new ArrayList<>();
    private volatile boolean closed;

    /**
     * @param admission bounds the calls waiting or running
     * @param runnerThreads calls run at once (one when the model's own thread pool already uses every core)
     */
    public WorkQueue(String name, Admission admission, int runnerThreads) {
        this.name = name;
        this.admission = admission;
        for (int i = 0; i < runnerThreads; i++) {
            Thread t = new Thread(this::runLoop, "shears-work-" + name + "-" + i);
            t.setDaemon(true);
            t.start();
            runners.add(t);
        }
    }

    /**
     * Runs {@code work} on a runner and waits at most {@code timeout} for it.
     *
     * @param abandoned true once nobody wants the answer (client gone); checked before the call is run
     */
    public <T> T submit(Supplier<T> work, Duration timeout, BooleanSupplier abandoned) {
        if (closed) {
            throw new IllegalStateException("work queue '" + name + "' is closed");
        }
        admission.acquire(1);
        Task<T> task = new Task<>(work, abandoned, new CompletableFuture<>());
        waiting.add(task);
        return Deadlines.await(task.done(), timeout);
    }

    /** Calls waiting or running. */
    public int queued() {
        return admission.inUse();
    }

    /** Calls never run because their caller had timed out or hung up. */
    public long dropped() {
        return dropped.get();
    }

    private void runLoop() {
        while (!closed) {
            try {
                run(waiting.take());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * Runs or drops one call. The call leaves the admission count before its caller is answered, so a caller that
     * has its answer never sees its own call still counted.
     */
    private <T> void run(Task<T> task) {
        if (task.done().isDone() || task.abandoned().getAsBoolean()) {
            dropped.incrementAndGet();
            admission.release(1);
            task.done().cancel(false);
            return;
        }
        T result;
        try {
            result = task.work().get();
        } catch (RuntimeException | Error e) {
            admission.release(1);
            task.done().completeExceptionally(e);
            return;
        }
        admission.release(1);
        task.done().complete(result);
    }

    @Override
    public void close() {
        closed = true;
        runners.forEach(Thread::interrupt);
        waiting.forEach(t -> t.done().cancel(false));
    }
}
