package dev.shears.inference;

import dev.shears.error.ErrorType;
import dev.shears.error.ShearsException;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The batching core with a forward function whose output row is the input row's [length, first id]. */
@Timeout(30)
class BatchQueueTest {

    static final Duration LONG = Duration.ofSeconds(10);

    static float[][] echo(List<long[]> batch) {
        float[][] out = new float[batch.size()][];
        for (int i = 0; i < batch.size(); i++) {
            out[i] = new float[] {batch.get(i).length, batch.get(i)[0]};
        }
        return out;
    }

    static List<long[]> seqs(long firstId, int... lengths) {
        List<long[]> out = new ArrayList<>();
        for (int len : lengths) {
            long[] s = new long[len];
            s[0] = firstId++;
            out.add(s);
        }
        return out;
    }

    @Test
    void each_job_gets_its_own_rows_in_order() {
        try (BatchQueue q = new BatchQueue("t", BatchQueueTest::echo, 4, 1000, 100, 1)) {
            float[][] rows = q.submit(seqs(10, 7, 2, 9, 3, 5), LONG, () -> false).vectors();
            assertEquals(5, rows.length);
            assertArrayEquals(new float[] {7, 10}, rows[0]);
            assertArrayEquals(new float[] {2, 11}, rows[1]);
            assertArrayEquals(new float[] {5, 14}, rows[4]);
        }
    }

    @Test
    void packs_concurrent_requests_into_shared_forward_passes() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        AtomicInteger passes = new AtomicInteger();
        Function<List<long[]>, float[][]> forward = batch -> {
            try {
                gate.await();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            passes.incrementAndGet();
            return echo(batch);
        };
        ExecutorService clients = Executors.newFixedThreadPool(8);
        try (BatchQueue q = new BatchQueue("t", forward, 32, 10_000, 1000, 1)) {
            List<Future<float[][]>> results = new ArrayList<>();
            results.add(clients.submit(() -> q.submit(seqs(0, 3), LONG, () -> false).vectors()));
            Thread.sleep(100); // the runner now holds the first job, blocked at the gate
            for (int c = 1; c < 8; c++) {
                long id = c * 100L;
                results.add(clients.submit(() -> q.submit(seqs(id, 4, 4), LONG, () -> false).vectors()));
            }
            Thread.sleep(200);
            gate.countDown();
            for (int c = 1; c < 8; c++) {
                float[][] rows = results.get(c).get(5, TimeUnit.SECONDS);
                assertEquals(c * 100f, rows[0][1]);
                assertEquals(c * 100f + 1, rows[1][1]);
            }
            assertTrue(passes.get() <= 2, "8 requests took " + passes.get() + " forward passes");
        } finally {
            clients.shutdownNow();
        }
    }

    @Test
    void one_request_runs_on_every_runner_at_once() {
        CountDownLatch bothRunning = new CountDownLatch(2);
        Function<List<long[]>, float[][]> forward = batch -> {
            bothRunning.countDown();
            try {
                // only returns early if another runner is inside a forward pass of the same request
                assertTrue(bothRunning.await(5, TimeUnit.SECONDS), "the second runner never took a row");
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            return echo(batch);
        };
        try (BatchQueue q = new BatchQueue("t", forward, 1, 1000, 100, 2)) {
            float[][] rows = q.submit(seqs(0, 3, 4, 5, 6, 7, 8, 9, 10), LONG, () -> false).vectors();
            for (int i = 0; i < rows.length; i++) {
                assertArrayEquals(new float[] {3 + i, i}, rows[i]);
            }
        }
    }

    @Test
    void refuses_at_once_when_the_queue_is_full_and_recovers() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        ExecutorService clients = Executors.newFixedThreadPool(2);
        try (BatchQueue q = new BatchQueue("t", batch -> {
            try {
                gate.await();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            return echo(batch);
        }, 32, 10_000, 4, 1)) {
            Future<?> first = clients.submit(() -> q.submit(seqs(0, 2, 2, 2), LONG, () -> false));
            Thread.sleep(100);
            long started = System.nanoTime();
            ShearsException full = assertThrows(ShearsException.class, () -> q.submit(seqs(0, 2, 2), LONG, () -> false));
            assertEquals(ErrorType.OVERLOADED, full.type());
            assertTrue(full.getMessage().contains("shears.batching.max-queued-sequences"), full.getMessage());
            assertTrue(System.nanoTime() - started < TimeUnit.MILLISECONDS.toNanos(500), "429 must be immediate");
            gate.countDown();
            first.get(5, TimeUnit.SECONDS);
            assertEquals(2, q.submit(seqs(0, 2, 2), LONG, () -> false).vectors().length);
            assertEquals(0, q.queuedSequences());
        } finally {
            clients.shutdownNow();
        }
    }

    @Test
    void times_out_and_never_runs_abandoned_work() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        List<Long> ran = new CopyOnWriteArrayList<>();
        ExecutorService clients = Executors.newFixedThreadPool(2);
        try (BatchQueue q = new BatchQueue("t", batch -> {
            try {
                gate.await();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            batch.forEach(s -> ran.add(s[0]));
            return echo(batch);
        }, 32, 10_000, 100, 1)) {
            Future<?> blocker = clients.submit(() -> q.submit(seqs(1, 2), LONG, () -> false));
            Thread.sleep(100);
            assertEquals(ErrorType.TIMEOUT, assertThrows(ShearsException.class,
                    () -> q.submit(seqs(500, 2), Duration.ofMillis(50), () -> false)).type());
            Future<?> gone = clients.submit(() -> q.submit(seqs(700, 2), LONG, () -> true));
            Thread.sleep(100);
            gate.countDown();
            blocker.get(5, TimeUnit.SECONDS);
            assertThrows(java.util.concurrent.ExecutionException.class, () -> gone.get(5, TimeUnit.SECONDS));
            assertEquals(List.of(1L), ran, "timed-out and abandoned jobs must not reach the model");
            assertEquals(2, q.droppedSequences());
        } finally {
            clients.shutdownNow();
        }
    }

    @Test
    void a_failing_forward_pass_fails_only_its_own_requests() {
        try (BatchQueue q = new BatchQueue("t", batch -> {
            if (batch.stream().anyMatch(s -> s[0] == 666)) {
                throw new IllegalStateException("poisoned batch");
            }
            return echo(batch);
        }, 1, 10_000, 100, 1)) {
            assertThrows(IllegalStateException.class, () -> q.submit(seqs(666, 3), LONG, () -> false));
            assertEquals(1, q.submit(seqs(1, 3), LONG, () -> false).vectors().length);
        }
    }
}
