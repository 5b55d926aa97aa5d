package dev.shears.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.smallrye.config.ConfigMapping;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every setting Shears reads is documented in the configuration reference ({@code src/docs/configuration.md}). */
class ConfigDocumentationTest {

    @Test
    void the_configuration_reference_lists_every_key() throws Exception {
        String reference = Files.readString(Path.of(System.getProperty("configuration.doc", "../docs/configuration.md")));
        List<String> missing = new ArrayList<>();
        for (Class<?> mapping : List.of(ShearsConfig.class, LanguageModelConfig.class, dev.shears.gateway.GatewayConfig.class, dev.shears.jobs.JobsConfig.class)) {
            for (String key : keys(mapping.getAnnotation(ConfigMapping.class).prefix(), mapping)) {
                if (!reference.contains("`" + key + "`")) {
                    missing.add(key);
                }
            }
        }
        assertEquals(List.of(), missing, "src/docs/configuration.md lacks these keys");
    }

    static List<String> keys(String prefix, Class<?> group) {
        List<String> out = new ArrayList<>();
        for (Method m : group.getDeclaredMethods()) {
            if (m.isDefault() || java.lang.reflect.Modifier.isStatic(m.getModifiers())) {
                continue;
            }
            String key = prefix + "." + kebab(m.getName());
            if (m.getReturnType().isInterface() && m.getReturnType().getEnclosingClass() == group.getEnclosingClass()
                    || m.getReturnType().getEnclosingClass() == group) {
                out.addAll(keys(key, m.getReturnType()));
            } else {
                out.add(key);
            }
        }
        return out;
    }

    static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
    }
}
