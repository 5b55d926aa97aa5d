package dev.shears.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** All of Shears' own settings, under {@code shears.*}; each is listed in src/docs/configuration.md. */
@ConfigMapping(prefix = "shears")
public interface ShearsConfig {

    Model model();

    Runtime runtime();

    Limits limits();

    Auth auth();

    Cache cache();

    Batching batching();

    Reasoning reasoning();

    interface Reasoning {
        /**
         * Which model scores reasoning steps: {@code auto} (the local model if {@code shears.lm.location} is set,
         * else the remote one if {@code shears.lm.remote.url} is set, else the embedded trigram), {@code embedded},
         * {@code local} or {@code remote}.
         */
        @WithDefault("auto")
        String scorer();

        /** Characters of a chain (reasoning, or all steps together), and of an anchor or answer. */
        @WithDefault("100000")
        int maxChars();

        /** Steps in one chain. */
        @WithDefault("2000")
        int maxSteps();

        /** Paths in one vote, given or sampled. */
        @WithDefault("256")
        int maxPaths();

        /** Bytes of scored chains kept in memory, so that re-pruning a chain at another budget calls no model. */
        @WithDefault("67108864")
        long cacheBytes();
    }

    interface Batching {
        /** Sequences (query or sentence) waiting for the model before new requests get 429. */
        @WithDefault("4096")
        int maxQueuedSequences();

        /**
         * Threads running forward passes; 0 = one per core. One per core suits single-sequence passes on
         * single-threaded sessions (the CPU default); one suits batched passes on a session whose intra-op pool
         * (or GPU) already uses the hardware.
         */
        @WithDefault("0")
        int runners();
    }

    interface Model {
        /** {@code classpath:models/<id>} for an embedded model, or a directory holding manifest.json and the files. */
        @WithDefault("classpath:models/bge-small-en-v1.5-q")
        String location();

        /**
         * Most sequences in one forward pass. 1 (the CPU default) runs the published graph one sequence at a
         * time; above 1, a graph whose manifest asks for it is rewritten to quantize activations per token, so
         * that batch-mates cannot change a result.
         */
        @WithDefault("1")
        int maxBatchSize();

        /** Most padded tokens (longest sequence x batch size) in one forward pass. */
        @WithDefault("16384")
        int maxBatchTokens();

        /** Forward passes run at start-up before readiness turns UP. */
        @WithDefault("3")
        int warmupRuns();
    }

    interface Runtime {
        /** Threads inside one forward pass; 1 with one runner per core is the CPU default. */
        @WithDefault("1")
        int intraOpThreads();

        @WithDefault("1")
        int interOpThreads();

        /** none, basic, extended or all. */
        @WithDefault("all")
        String optimization();

        @WithDefault("false")
        boolean allowSpinning();

        /** cpu or cuda (falls back to cpu with a log line). */
        @WithDefault("cpu")
        String device();
    }

    interface Limits {
        @WithDefault("4096")
        int maxQueryChars();

        @WithDefault("256")
        int maxDocuments();

        @WithDefault("100000")
        int maxDocumentChars();

        /**
         * Characters in all documents of one request together. The default is what the default model scores well
         * within the default request timeout on two cores (about 14 s measured; see src/docs/configuration.md).
         */
        @WithDefault("1000000")
        int maxTotalChars();

        /** Characters of one document's {@code metadata}, as compact JSON; it is echoed back unread. */
        @WithDefault("8192")
        int maxMetadataChars();

        /** Largest request body, declared or chunked; a declared one over it gets 413 before being read. */
        @WithDefault("8388608")
        long maxBodyBytes();

        /** A body not received whole this long after its headers gets 408 and its connection is closed. */
        @WithDefault("20s")
        Duration bodyTimeout();

        /** A request whose model work has not finished after this gets 504; its work is dropped if not started. */
        @WithDefault("30s")
        Duration requestTimeout();

        /** Requests in flight at once; one more is answered 429 at once. */
        @WithDefault("64")
        int maxConcurrentRequests();
    }

    interface Auth {
        /** When true, every /v1 endpoint needs {@code Authorization: Bearer <key>}; health stays open. */
        @WithDefault("false")
        boolean enabled();

        /** Accepted keys (comma-separated); never logged. */
        Optional<List<String>> apiKeys();
    }

    interface Cache {
        /** Weight bound of the embedding cache in bytes (0 disables it). */
        @WithDefault("268435456")
        long maxBytes();
    }
}
