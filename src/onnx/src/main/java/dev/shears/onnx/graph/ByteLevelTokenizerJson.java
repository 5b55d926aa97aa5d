package dev.shears.onnx.graph;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a Hugging Face {@code tokenizer.json} for a GPT-2 style byte-level BPE whose vocab is the 256 byte
 * symbols (id = byte value), a handful of merges ({@code "Ġt"}, {@code "he"}, {@code "Ġthe"}, {@code "in"}),
 * and the special token {@code <|endoftext|>} (id {@value #END_OF_TEXT_ID}). Every text is encodable.
 */
public final class ByteLevelTokenizerJson {

    public static final String END_OF_TEXT = "<|endoftext|>";
    public static final int END_OF_TEXT_ID = 256;
    private static final String[][] MERGES = {{"Ġ", "t"}, {"h", "e"}, {"Ġt", "he"}, {"i", "n"}};
    /** Number of ids the tokenizer uses; a decoder's vocab must be at least this large. */
    public static final int SIZE = 257 + MERGES.length;

    private ByteLevelTokenizerJson() {
    }

    /** The GPT-2 byte → printable character table. */
    static char[] byteSymbols() {
        char[] symbols = new char[256];
        boolean[] direct = new boolean[256];
        for (int b = '!'; b <= '~'; b++) {
            direct[b] = true;
        }
        for (int b = 0xA1; b <= 0xAC; b++) {
            direct[b] = true;
        }
        for (int b = 0xAE; b <= 0xFF; b++) {
            direct[b] = true;
        }
        int extra = 0;
        for (int b = 0; b < 256; b++) {
            symbols[b] = direct[b] ? (char) b : (char) (256 + extra++);
        }
        return symbols;
    }

    /** The tokenizer as a JSON tree. */
    public static ObjectNode json(ObjectMapper mapper) {
        Map<String, Integer> vocab = new LinkedHashMap<>();
        char[] symbols = byteSymbols();
        for (int b = 0; b < 256; b++) {
            vocab.put(String.valueOf(symbols[b]), b);
        }
        vocab.put(END_OF_TEXT, END_OF_TEXT_ID);
        List<String> merges = new ArrayList<>();
        int id = END_OF_TEXT_ID + 1;
        for (String[] m : MERGES) {
            vocab.put(m[0] + m[1], id++);
            merges.add(m[0] + " " + m[1]);
        }
        ObjectNode root = mapper.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        ObjectNode eot = added.addObject();
        eot.put("id", END_OF_TEXT_ID);
        eot.put("content", END_OF_TEXT);
        eot.put("single_word", false);
        eot.put("lstrip", false);
        eot.put("rstrip", false);
        eot.put("normalized", false);
        eot.put("special", true);
        root.putNull("normalizer");
        ObjectNode pre = root.putObject("pre_tokenizer");
        pre.put("type", "ByteLevel");
        pre.put("add_prefix_space", false);
        pre.put("trim_offsets", true);
        pre.put("use_regex", true);
        root.putNull("post_processor");
        ObjectNode dec = root.putObject("decoder");
        dec.put("type", "ByteLevel");
        dec.put("add_prefix_space", true);
        dec.put("trim_offsets", true);
        dec.put("use_regex", true);
        ObjectNode model = root.putObject("model");
        model.put("type", "BPE");
        model.putNull("dropout");
        model.putNull("unk_token");
        model.putNull("continuing_subword_prefix");
        model.putNull("end_of_word_suffix");
        model.put("fuse_unk", false);
        model.put("byte_fallback", false);
        ObjectNode v = model.putObject("vocab");
        vocab.forEach(v::put);
        ArrayNode m = model.putArray("merges");
        merges.forEach(m::add);
        return root;
    }

    /** Writes {@code tokenizer.json} into {@code dir}. */
    public static void write(Path dir, ObjectMapper mapper) throws IOException {
        mapper.writerWithDefaultPrettyPrinter().writeValue(dir.resolve("tokenizer.json").toFile(), json(mapper));
    }
}
