package dev.shears.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class TaggedBlocksTest {

    private final TaggedBlocks docs = new TaggedBlocks(List.of("document", "context"));

    @Test
    void finds_blocks_with_attributes_and_any_case_in_order() {
        String text = "Use these:\n<document id=\"1\">Paris is in France.</document>\n<CONTEXT>Bananas.</CONTEXT>\nQ?";
        List<TaggedBlocks.Block> blocks = docs.find(text);
        assertEquals(2, blocks.size());
        assertEquals("Paris is in France.", blocks.get(0).content(text));
        assertEquals("Bananas.", blocks.get(1).content(text));
        assertEquals("Use these:\n\n\nQ?", docs.remove(text));
        assertEquals("Use these:\n<document id=\"1\">PARIS IS IN FRANCE.</document>\n<CONTEXT>BANANAS.</CONTEXT>\nQ?",
                docs.replaceContents(text, String::toUpperCase));
    }

    @Test
    void unclosed_mismatched_and_other_tags_are_not_blocks() {
        assertEquals(List.of(), docs.find("<document>never closed"));
        assertEquals(List.of(), docs.find("<document>a</context>"));
        assertEquals(List.of(), docs.find("<documents>a</documents>"));
        String multi = "<document>one\ntwo</document>";
        assertEquals("one\ntwo", docs.find(multi).get(0).content(multi));
    }

    @Test
    void tag_names_must_be_names() {
        assertThrows(IllegalArgumentException.class, () -> new TaggedBlocks(List.of("a>b")));
        assertThrows(IllegalArgumentException.class, () -> new TaggedBlocks(List.of()));
    }
}
