package dev.shears.service;

import java.util.List;

/**
 * The one prompt format the local chat endpoint uses (ChatML, as Qwen2 models are trained on):
 * <pre>
 * &lt;|im_start|&gt;system
 * You are terse.&lt;|im_end|&gt;
 * &lt;|im_start|&gt;user
 * 2+2?&lt;|im_end|&gt;
 * &lt;|im_start|&gt;assistant
 * </pre>
 * Generation stops at {@link #END_OF_TURN}. Models trained on another template (a tokenizer_config.json
 * {@code chat_template}) still run, but answer less well; Jinja templates are not evaluated.
 */
public final class ChatTemplate {

    public static final String END_OF_TURN = "<|im_end|>";
    public static final List<String> ROLES = List.of("system", "user", "assistant");

    /** A message as the template needs it. */
    public record Turn(String role, String content) {}

    private ChatTemplate() {}

    /** The prompt for the assistant's next turn. */
    public static String render(List<Turn> turns) {
        StringBuilder sb = new StringBuilder();
        for (Turn t : turns) {
            sb.append("<|im_start|>").append(t.role()).append('\n').append(t.content()).append(END_OF_TURN).append('\n');
        }
        return sb.append("<|im_start|>assistant\n").toString();
    }
}
