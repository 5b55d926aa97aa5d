package dev.shears.langchain4j;

import dev.shears.client.ShearsClient;
import java.util.List;

/**
 * What the LangChain4j pieces need from Shears, in the REST API's shapes: a server ({@link ShearsClient}) or the
 * same core and models in process ({@link InProcessShears}).
 */
interface ShearsBackend extends AutoCloseable {

    ShearsClient.PruneResult prune(ShearsClient.PruneRequest request);

    List<ShearsClient.Ranked> rerank(String query, List<String> documents);

    ShearsClient.PrunedReasoning pruneReasoning(ShearsClient.ReasoningRequest request);

    @Override
    void close();

    static ShearsBackend remote(ShearsClient client) {
        return new ShearsBackend() {
            @Override
            public ShearsClient.PruneResult prune(ShearsClient.PruneRequest request) {
                return client.prune(request);
            }

            @Override
            public List<ShearsClient.Ranked> rerank(String query, List<String> documents) {
                return client.rerank(query, documents, null);
            }

            @Override
            public ShearsClient.PrunedReasoning pruneReasoning(ShearsClient.ReasoningRequest request) {
                return client.pruneReasoning(request);
            }

            @Override
            public void close() {
                client.close();
            }
        };
    }
}
