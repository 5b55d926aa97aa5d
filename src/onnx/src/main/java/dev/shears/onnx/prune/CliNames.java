package dev.shears.onnx.prune;

import java.util.Locale;

/** Command-line spelling of enum constants: lower case with dashes ({@code LAYER_SEQUENTIAL} = {@code layer-sequential}). */
final class CliNames {

    private CliNames() {}

    static <E extends Enum<E>> E parse(Class<E> type, String s) {
        return Enum.valueOf(type, s.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
    }

    static String of(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
