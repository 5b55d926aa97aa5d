package dev.shears.onnx.lm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The parts of a Hugging Face {@code config.json} / {@code generation_config.json} the runtime needs; GPT-2
 * ({@code n_head}, {@code n_positions}...) and Llama-style ({@code num_attention_heads},
 * {@code max_position_embeddings}...) key names are both understood. Missing values are -1 / empty.
 */
record CausalLmConfig(String modelType, int vocabSize, int heads, int kvHeads, int headDim, int maxPositions,
                      int bosTokenId, Set<Integer> eosTokenIds) {

    static final String CONFIG = "config.json";
    static final String GENERATION_CONFIG = "generation_config.json";

    static CausalLmConfig read(Path dir) throws IOException {
        ObjectMapper mapper = new ObjectMapper();
        JsonNode c = Files.exists(dir.resolve(CONFIG))
                ? mapper.readTree(dir.resolve(CONFIG).toFile()) : mapper.createObjectNode();
        JsonNode g = Files.exists(dir.resolve(GENERATION_CONFIG))
                ? mapper.readTree(dir.resolve(GENERATION_CONFIG).toFile()) : mapper.createObjectNode();
        int hidden = firstInt(c, "hidden_size", "n_embd", "d_model");
        int heads = firstInt(c, "num_attention_heads", "n_head");
        int kv = firstInt(c, "num_key_value_heads", "multi_query_group_num");
        if (kv < 0) {
            kv = heads;
        }
        int headDim = firstInt(c, "head_dim");
        if (headDim < 0 && hidden > 0 && heads > 0) {
            headDim = hidden / heads;
        }
        int bos = firstInt(g, "bos_token_id");
        if (bos < 0) {
            bos = firstInt(c, "bos_token_id");
        }
        Set<Integer> eos = new LinkedHashSet<>();
        addIds(eos, c.get("eos_token_id"));
        addIds(eos, g.get("eos_token_id"));
        return new CausalLmConfig(c.path("model_type").asText(""), firstInt(c, "vocab_size"), heads, kv, headDim,
                firstInt(c, "max_position_embeddings", "n_positions", "n_ctx", "seq_length"), bos, Set.copyOf(eos));
    }

    private static int firstInt(JsonNode n, String... keys) {
        for (String k : keys) {
            JsonNode v = n.get(k);
            if (v != null && v.canConvertToInt()) {
                return v.asInt();
            }
        }
        return -1;
    }

    private static void addIds(Set<Integer> out, JsonNode v) {
        if (v == null) {
            return;
        }
        if (v.isArray()) {
            v.forEach(e -> out.add(e.asInt()));
        } else if (v.canConvertToInt()) {
            out.add(v.asInt());
        }
    }

    /** Llama-family tokenizers put BOS in front of every text. */
    boolean alwaysBos() {
        return switch (modelType) {
            case "llama", "mistral", "mixtral", "gemma", "gemma2", "phi3" -> true;
            default -> false;
        };
    }
}
