package dev.shears.tools;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Minimal {@code --name value} parsing for the offline commands; unknown options are an error. */
public final class CommandLine {

    public final List<String> positional = new ArrayList<>();
    private final Map<String, String> options = new HashMap<>();

    public CommandLine(String[] args, List<String> known) {
        for (int i = 0; i < args.length; i++) {
            if (args[i].startsWith("--")) {
                String name = args[i].substring(2);
                if (!known.contains(name)) {
                    throw new IllegalArgumentException("unknown option --" + name + " (known: --" + String.join(", --", known) + ")");
                }
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("option --" + name + " needs a value");
                }
                options.put(name, args[++i]);
            } else {
                positional.add(args[i]);
            }
        }
    }

    public String get(String name, String fallback) {
        return options.getOrDefault(name, fallback);
    }

    /** A command's body, which may throw. */
    @FunctionalInterface
    public interface Body {
        void run() throws Exception;
    }

    /** Runs a command; a usage mistake (an {@link IllegalArgumentException}) prints its message and the usage and exits 2. */
    public static void exitOnMisuse(String usage, Body body) throws Exception {
        try {
            body.run();
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage() + "\n" + usage);
            System.exit(2);
        }
    }
}
