package dev.shears.api;

import dev.shears.error.ShearsException;
import dev.shears.config.ShearsConfig;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/**
 * Checks client text against the configured limits and against what no model should see: control characters
 * (other than tab, newline and carriage return) and unpaired UTF-16 surrogates, which JSON escapes can carry. Messages name the field, the limit and the setting that changes it.
 */
@Singleton
public final class RequestLimits {

    private final ShearsConfig.Limits limits;

    @Inject
    public RequestLimits(ShearsConfig config) {
        this.limits = config.limits();
    }

    public String query(String query) {
        return query("query", query);
    }

    /** A required query-like field: present, not blank, within {@code shears.limits.max-query-chars}. */
    public String query(String field, String query) {
        if (query == null) {
            throw ShearsException.invalid("'" + field + "' is required");
        }
        if (query.isBlank()) {
            throw ShearsException.invalid("'" + field + "' is empty");
        }
        if (query.length() > limits.maxQueryChars()) {
            throw ShearsException.invalid("'" + field + "' has " + query.length() + " characters, more than the limit of "
                    + limits.maxQueryChars() + " (shears.limits.max-query-chars)");
        }
        text(field, query);
        return query;
    }

    public void documentCount(int count) {
        if (count == 0) {
            throw ShearsException.invalid("'documents' is empty");
        }
        if (count > limits.maxDocuments()) {
            throw ShearsException.invalid("'documents' has " + count + " entries, more than the limit of "
                    + limits.maxDocuments() + " (shears.limits.max-documents)");
        }
    }

    public void document(String field, String text) {
        if (text.length() > limits.maxDocumentChars()) {
            throw ShearsException.invalid("'" + field + "' has " + text.length() + " characters, more than the limit of "
                    + limits.maxDocumentChars() + " (shears.limits.max-document-chars)");
        }
        text(field, text);
    }

    public void metadata(String field, int chars) {
        if (chars > limits.maxMetadataChars()) {
            throw ShearsException.invalid("'" + field + "' has " + chars + " characters as JSON, more than the limit of "
                    + limits.maxMetadataChars() + " (shears.limits.max-metadata-chars)");
        }
    }

    public void totalChars(long total) {
        if (total > limits.maxTotalChars()) {
            throw ShearsException.invalid("the documents hold " + total + " characters together, more than the limit of "
                    + limits.maxTotalChars() + " (shears.limits.max-total-chars)");
        }
    }

    /**
     * Refuses control characters (C0 other than tab, newline and carriage return; DEL; C1, U+0080 to U+009F,
     * which includes U+0085 NEXT LINE) and lone surrogates. Text a model should read has none of them: they are
     * binary junk or mis-decoded bytes, and a line break must be written as newline.
     */
    public static void text(String field, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || (c >= 0x7F && c <= 0x9F)) {
                throw ShearsException.invalid(String.format("'%s' contains the control character U+%04X at offset %d", field, (int) c, i));
            }
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
                    i++;
                    continue;
                }
                throw ShearsException.invalid("'" + field + "' contains invalid Unicode (an unpaired surrogate) at offset " + i);
            }
            if (Character.isLowSurrogate(c)) {
                throw ShearsException.invalid("'" + field + "' contains invalid Unicode (an unpaired surrogate) at offset " + i);
            }
        }
    }
}
