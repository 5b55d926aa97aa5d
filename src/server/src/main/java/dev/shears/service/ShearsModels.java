package dev.shears.service;

import dev.shears.onnx.encoder.EmbeddingCache;
import dev.shears.config.ShearsConfig;
import dev.shears.pruning.ContextPruner;
import dev.shears.pruning.Document;
import dev.shears.pruning.PruningOptions;
import dev.shears.pruning.text.DefaultSentenceSplitter;
import dev.shears.onnx.encoder.EncoderModel;
import dev.shears.onnx.ModelLocation;
import dev.shears.onnx.RuntimeOptions;
import dev.shears.inference.BatchQueue;
import dev.shears.onnx.encoder.BiEncoderRelevanceModel;
import dev.shears.onnx.encoder.SequenceEmbedder;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Owns the models: opens them at start-up (a bad checksum or a missing file stops the service with one clear
 * message), warms them up, and only then reports ready.
 */
@Startup
@ApplicationScoped
public class ShearsModels {

    private static final Logger LOG = Logger.getLogger(ShearsModels.class);

    @Inject
    ShearsConfig config;

    @Inject
    MeterRegistry registry;

    private EncoderModel encoder;
    private BatchQueue batches;
    private ContextPruner pruner;
    private EmbeddingCache cache;
    private volatile boolean ready;
    private volatile long warmupMillis;

    @PostConstruct
    void load() {
        ShearsConfig.Runtime rt = config.runtime();
        RuntimeOptions options = new RuntimeOptions(rt.intraOpThreads(), rt.interOpThreads(), rt.optimization(),
                rt.allowSpinning(), rt.device());
        long started = System.nanoTime();
        encoder = EncoderModel.load(ModelLocation.parse(config.model().location()), options,
                config.model().maxBatchSize(), config.model().maxBatchTokens());
        cache = config.cache().maxBytes() > 0 ? new EmbeddingCache(config.cache().maxBytes()) : null;
        batches = new BatchQueue(encoder.manifest().id(), encoder::forward, encoder.maxBatchSize(), encoder.maxBatchTokens(),
                config.batching().maxQueuedSequences(), runners());
        SequenceEmbedder embedder = SequenceEmbedder.queued(batches, config.limits().requestTimeout());
        pruner = new ContextPruner(new DefaultSentenceSplitter(), BiEncoderRelevanceModel.fromManifest(encoder, embedder, cache));
        ContextPruner uncached = new ContextPruner(new DefaultSentenceSplitter(), BiEncoderRelevanceModel.fromManifest(encoder, embedder, null));
        registerCacheMetrics();
        registry.gauge("shears.queue.sequences", batches, BatchQueue::queuedSequences);
        FunctionCounter.builder("shears.queue.dropped.sequences", batches, BatchQueue::droppedSequences)
                .description("sequences never run: their request timed out or its client hung up").register(registry);
        LOG.infof("model '%s' (sha256 %s) loaded from %s in %d ms", encoder.manifest().id(), encoder.checksum(),
                config.model().location(), (System.nanoTime() - started) / 1_000_000);
        warmUp(uncached);
    }

    private int runners() {
        int configured = config.batching().runners();
        return configured > 0 ? configured : Runtime.getRuntime().availableProcessors();
    }

    /**
     * Runs real inference through the batch queue requests use (bypassing only the cache), so the first client
     * request does not pay for ORT's lazy set-up.
     */
    private void warmUp(ContextPruner uncached) {
        long started = System.nanoTime();
        Document doc = new Document("warmup", "Warm-up", "Shears prunes retrieved passages. It keeps the sentences that"
                + " answer the query. Everything else is removed before the LLM sees it.");
        for (int i = 0; i < Math.max(1, config.model().warmupRuns()); i++) {
            uncached.prune("What does Shears keep?", List.of(doc), PruningOptions.defaults());
        }
        warmupMillis = (System.nanoTime() - started) / 1_000_000;
        ready = true;
        LOG.infof("model '%s' warmed up in %d ms; ready", encoder.manifest().id(), warmupMillis);
    }

    private void registerCacheMetrics() {
        if (cache == null) {
            return;
        }
        registry.gauge("shears.cache.hits", cache, c -> c.stats().hitCount());
        registry.gauge("shears.cache.misses", cache, c -> c.stats().missCount());
        registry.gauge("shears.cache.entries", cache, EmbeddingCache::estimatedSize);
    }

    public ContextPruner pruner() {
        return pruner;
    }

    public EncoderModel encoder() {
        return encoder;
    }

    public boolean ready() {
        return ready;
    }

    public long warmupMillis() {
        return warmupMillis;
    }

    @PreDestroy
    void close() {
        ready = false;
        if (batches != null) {
            batches.close();
        }
        if (encoder != null) {
            encoder.close();
        }
    }
}
