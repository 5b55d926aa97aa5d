package dev.shears.service;

import dev.shears.error.ErrorType;
import dev.shears.error.ShearsException;
import dev.shears.lm.LanguageModelException;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Locale;
import org.jboss.logging.Logger;

/**
 * Turns {@link LanguageModelException}s into the one error vocabulary ({@link LanguageModelException.Kind#errorType()})
 * and counts each in {@code shears_lm_failures_total{kind}}. An engine failure's details stay in the log.
 */
@ApplicationScoped
public class LanguageModelFailures {

    private static final Logger LOG = Logger.getLogger(LanguageModelFailures.class);

    @Inject
    MeterRegistry registry;

    /** Counts the failure and returns the exception the error mappers turn into the error body. */
    public ShearsException translate(LanguageModelException e) {
        registry.counter("shears.lm.failures", "kind", e.kind().name().toLowerCase(Locale.ROOT)).increment();
        ErrorType type = e.kind().errorType();
        if (type == ErrorType.INTERNAL) {
            LOG.error("language model failed", e);
            return new ShearsException(type, "the language model failed; the server log has the details", e);
        }
        return new ShearsException(type, e.getMessage(), e);
    }
}
