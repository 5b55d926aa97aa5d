package dev.shears.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shears.error.ShearsException;
import io.vertx.core.MultiMap;
import java.util.Iterator;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

/**
 * The pruning policies of one request: the deployment's ({@code shears.gateway.*}), overridden by
 * {@code x-shears-*} headers, overridden by the body's {@code shears} object (which is never forwarded).
 * A setting of the wrong type or out of range is a 400 naming it.
 */
public record GatewayPolicy(boolean context, String question, Double threshold, Reasoning reasoning, double keepRatio,
        boolean voting, boolean report, boolean echo) {

    public enum Reasoning { OFF, PRUNE, DROP }

    private static final Set<String> KEYS = Set.of("context", "question", "threshold", "reasoning", "keep_ratio",
            "voting", "report", "echo");

    static GatewayPolicy resolve(GatewayConfig config, JsonNode shears, MultiMap headers) {
        if (shears != null && !shears.isObject()) {
            throw ShearsException.invalid("'shears' must be an object of gateway settings: " + KEYS);
        }
        for (Iterator<String> it = shears == null ? java.util.Collections.emptyIterator() : shears.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!KEYS.contains(key)) {
                throw ShearsException.invalid("unknown setting 'shears." + key + "'; known: " + new java.util.TreeSet<>(KEYS));
            }
        }
        Settings s = new Settings((ObjectNode) shears, headers);
        double keepRatio = s.get("keep_ratio", JsonNode::isNumber, JsonNode::asDouble, Double::parseDouble, "a number", config.reasoning().keepRatio());
        if (!(keepRatio > 0 && keepRatio <= 1)) {
            throw ShearsException.invalid("'keep_ratio' must be in (0, 1], got " + keepRatio);
        }
        Double threshold = s.get("threshold", JsonNode::isNumber, JsonNode::asDouble, Double::parseDouble, "a number",
                config.context().threshold().orElse(null));
        if (threshold != null && !(threshold >= 0 && threshold <= 1)) {
            throw ShearsException.invalid("'threshold' must be in [0, 1], got " + threshold);
        }
        String reasoning = s.get("reasoning", JsonNode::isTextual, JsonNode::asText, v -> v, "off, prune or drop", config.reasoning().mode());
        return new GatewayPolicy(
                s.flag("context", config.context().enabled()),
                s.get("question", JsonNode::isTextual, JsonNode::asText, v -> v, "a string", null),
                threshold,
                reasoningMode(reasoning),
                keepRatio,
                s.flag("voting", config.voting().enabled()),
                s.flag("report", false),
                s.flag("echo", false));
    }

    static Reasoning reasoningMode(String mode) {
        return switch (mode.strip().toLowerCase(Locale.ROOT)) {
            case "off" -> Reasoning.OFF;
            case "prune" -> Reasoning.PRUNE;
            case "drop" -> Reasoning.DROP;
            default -> throw ShearsException.invalid("'reasoning' must be off, prune or drop, got '" + mode + "'");
        };
    }

    /** One setting from the body's {@code shears} object, else its {@code x-shears-} header, else the default. */
    private record Settings(ObjectNode body, MultiMap headers) {

        <T> T get(String key, java.util.function.Predicate<JsonNode> ok, Function<JsonNode, T> fromJson,
                Function<String, T> fromHeader, String what, T fallback) {
            JsonNode value = body == null ? null : body.get(key);
            if (value != null && !value.isNull()) {
                if (!ok.test(value)) {
                    throw ShearsException.invalid("'shears." + key + "' must be " + what + ", got " + value);
                }
                return fromJson.apply(value);
            }
            String header = "x-shears-" + key.replace('_', '-');
            String text = headers.get(header);
            if (text == null) {
                return fallback;
            }
            try {
                return fromHeader.apply(text.strip());
            } catch (RuntimeException e) {
                throw ShearsException.invalid("header '" + header + "' must be " + what + ", got '" + text + "'");
            }
        }

        boolean flag(String key, boolean fallback) {
            return get(key, JsonNode::isBoolean, JsonNode::asBoolean, GatewayPolicy::bool, "true or false", fallback);
        }
    }

    private static boolean bool(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "true", "on", "1" -> true;
            case "false", "off", "0" -> false;
            default -> throw new IllegalArgumentException(text);
        };
    }
}
