package dev.shears.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shears.error.ErrorType;
import dev.shears.error.ShearsException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class WorkQueueTest {

    static final Duration LONG = Duration.ofSeconds(10);

    /** Blocks the single runner until released, so later calls wait in the queue. */
    static CompletableFuture<String> occupy(WorkQueue q, CountDownLatch release) {
        CountDownLatch started = new CountDownLatch(1);
        CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> q.submit(() -> {
            started.countDown();
            await(release);
            return "first";
        }, LONG, () -> false));
        await(started);
        return first;
    }

    static void await(CountDownLatch latch) {
        try {
            assertTrue(latch.await(10, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void runs_calls_and_returns_their_results_and_failures() {
        try (WorkQueue q = new WorkQueue("t", new Admission(4, "calls", "k"), 1)) {
            assertEquals(42, q.submit(() -> 42, LONG, () -> false));
            IllegalArgumentException boom = new IllegalArgumentException("boom");
            assertSame(boom, assertThrows(IllegalArgumentException.class, () -> q.submit(() -> {
                throw boom;
            }, LONG, () -> false)));
            assertEquals(0, q.queued());
        }
    }

    @Test
    void a_full_queue_refuses_at_once_naming_the_limit() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (WorkQueue q = new WorkQueue("t", new Admission(2, "language-model calls queued", "shears.lm.max-queued-calls"), 1)) {
            CompletableFuture<String> first = occupy(q, release);
            CompletableFuture<String> second = CompletableFuture.supplyAsync(() -> q.submit(() -> "second", LONG, () -> false));
            while (q.queued() < 2) {
                Thread.sleep(1);
            }
            long started = System.nanoTime();
            ShearsException full = assertThrows(ShearsException.class, () -> q.submit(() -> "third", LONG, () -> false));
            assertTrue(System.nanoTime() - started < TimeUnit.MILLISECONDS.toNanos(100), "refused at once");
            assertEquals(ErrorType.OVERLOADED, full.type());
            assertTrue(full.getMessage().contains("limit 2, shears.lm.max-queued-calls"), full.getMessage());
            release.countDown();
            assertEquals("first", first.get(10, TimeUnit.SECONDS));
            assertEquals("second", second.get(10, TimeUnit.SECONDS));
            assertEquals(0, q.queued());
        }
    }

    @Test
    void a_late_call_times_out_and_is_dropped_before_it_runs() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger ran = new AtomicInteger();
        try (WorkQueue q = new WorkQueue("t", new Admission(8, "calls", "k"), 1)) {
            CompletableFuture<String> first = occupy(q, release);
            ShearsException late = assertThrows(ShearsException.class,
                    () -> q.submit(ran::incrementAndGet, Duration.ofMillis(50), () -> false));
            assertEquals(ErrorType.TIMEOUT, late.type());
            release.countDown();
            first.get(10, TimeUnit.SECONDS);
            assertEquals(7, q.submit(() -> 7, LONG, () -> false), "the queue goes on serving");
            assertEquals(0, ran.get(), "the timed-out call never reached the model");
            assertEquals(1, q.dropped());
            assertEquals(0, q.queued());
        }
    }

    @Test
    void the_call_of_a_caller_who_hung_up_is_dropped() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean gone = new AtomicBoolean();
        AtomicInteger ran = new AtomicInteger();
        try (WorkQueue q = new WorkQueue("t", new Admission(8, "calls", "k"), 1)) {
            CompletableFuture<String> first = occupy(q, release);
            CompletableFuture<Integer> abandoned = CompletableFuture.supplyAsync(() -> q.submit(ran::incrementAndGet, LONG, gone::get));
            while (q.queued() < 2) {
                Thread.sleep(1);
            }
            gone.set(true);
            release.countDown();
            first.get(10, TimeUnit.SECONDS);
            Throwable e = assertThrows(Exception.class, () -> abandoned.get(10, TimeUnit.SECONDS)).getCause();
            assertEquals(ErrorType.TIMEOUT, ((ShearsException) e).type());
            assertEquals(0, ran.get());
            assertEquals(1, q.dropped());
        }
    }
}
