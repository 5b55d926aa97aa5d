package dev.shears.lm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shears.error.ErrorType;
import dev.shears.error.ShearsException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LanguageModelQueueTest {

    /** A scripted model: records which thread runs each call; {@code sample} blocks until released. */
    static final class Recording implements LanguageModel {
        final ConcurrentLinkedQueue<String> threads = new ConcurrentLinkedQueue<>();
        final CountDownLatch release = new CountDownLatch(1);
        boolean closed;

        @Override
        public List<ScoredText> score(List<ScoringRequest> batch) {
            threads.add(Thread.currentThread().getName());
            return batch.stream().map(r -> new ScoredText(List.of(new TokenLogProb(1, r.continuation(), 0,
                    r.continuation().length(), -0.5)))).toList();
        }

        @Override
        public List<Completion> sample(SamplingRequest r) {
            threads.add(Thread.currentThread().getName());
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return List.of(new Completion("done", List.of(), Completion.LENGTH));
        }

        @Override
        public int contextLength() {
            return 99;
        }

        @Override
        public String id() {
            return "recording";
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    @Test
    void calls_run_on_the_queue_and_miss_their_deadline_with_a_504() throws Exception {
        Recording model = new Recording();
        try (LanguageModelQueue queue = new LanguageModelQueue(model, 4, "shears.lm.max-queued-calls")) {
            LanguageModel view = queue.forRequest(Duration.ofSeconds(10), () -> false);
            assertEquals("recording", view.id());
            assertEquals(99, view.contextLength());
            assertEquals(-0.5, view.scorePrompts(List.of("text")).get(0).sum());
            assertEquals(1, view.countTokens("text"), "counted by scoring, the SPI default");
            assertTrue(model.threads.stream().allMatch(t -> t.startsWith("shears-work-recording")), model.threads.toString());

            Thread blocker = new Thread(() -> view.sample(SamplingRequest.greedy("p", 1)));
            blocker.start();
            while (queue.queue().queued() < 1) {
                Thread.sleep(1);
            }
            ShearsException late = assertThrows(ShearsException.class,
                    () -> queue.forRequest(Duration.ofMillis(30), () -> false).score(List.of(ScoringRequest.of("x"))));
            assertEquals(ErrorType.TIMEOUT, late.type());
            model.release.countDown();
            blocker.join();
        }
        assertTrue(model.closed, "closing the queue closes the model");
    }
}
