package dev.shears.service;

import dev.shears.config.ShearsConfig;
import dev.shears.error.ErrorType;
import dev.shears.error.ShearsException;
import dev.shears.lm.LanguageModel;
import dev.shears.onnx.lm.CachingLanguageModel;
import dev.shears.onnx.ngram.NgramLanguageModel;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Locale;
import java.util.function.BooleanSupplier;
import org.jboss.logging.Logger;

/**
 * The model that scores reasoning steps, chosen by {@code shears.reasoning.scorer}: the local language model
 * (through its queue, so it keeps its deadline and drops a hung-up client's calls), the remote one, or the embedded
 * word trigram, which is loaded at start-up only when it is the one chosen. The remote and embedded scorers sit
 * behind a scoring cache ({@code shears.reasoning.cache-bytes}), so a chain pruned again at another budget costs
 * no model call.
 */
@Startup
@ApplicationScoped
public class ReasoningScorers {

    private static final Logger LOG = Logger.getLogger(ReasoningScorers.class);

    public enum Choice { EMBEDDED, LOCAL, REMOTE }

    @Inject
    ShearsConfig config;

    @Inject
    LocalLanguageModel local;

    @Inject
    RemoteLanguageModelSource remote;

    private Choice choice;
    private volatile LanguageModel embedded;
    private volatile LanguageModel remoteCached;

    @PostConstruct
    void init() {
        String wanted = config.reasoning().scorer().toLowerCase(Locale.ROOT);
        choice = switch (wanted) {
            case "auto" -> local.configured() ? Choice.LOCAL : remote.model().isPresent() ? Choice.REMOTE : Choice.EMBEDDED;
            case "embedded" -> Choice.EMBEDDED;
            case "local" -> Choice.LOCAL;
            case "remote" -> Choice.REMOTE;
            default -> throw new IllegalStateException("shears.reasoning.scorer must be auto, embedded, local or remote, not '"
                    + wanted + "'");
        };
        if (choice == Choice.EMBEDDED) {
            Thread loader = new Thread(() -> {
                long started = System.nanoTime();
                embedded = new CachingLanguageModel(NgramLanguageModel.embedded(), config.reasoning().cacheBytes());
                LOG.infof("reasoning scorer: embedded %s loaded in %d ms (a weak stand-in for a reasoning model;"
                        + " see models/README.md)", embedded.id(), (System.nanoTime() - started) / 1_000_000);
            }, "shears-reasoning-scorer-load");
            loader.setDaemon(true);
            loader.start();
        } else {
            if (choice == Choice.REMOTE) {
                remoteCached = remote.model().map(m -> (LanguageModel) new CachingLanguageModel(m, config.reasoning().cacheBytes()))
                        .orElse(null);
            }
            LOG.infof("reasoning scorer: the %s language model", choice.name().toLowerCase(Locale.ROOT));
        }
    }

    public Choice choice() {
        return choice;
    }

    /** True once the chosen scorer can take requests. */
    public boolean ready() {
        return switch (choice) {
            case EMBEDDED -> embedded != null;
            case LOCAL -> local.ready();
            case REMOTE -> true;
        };
    }

    /** The scorer for one request; its calls are dropped once {@code abandoned} says the client has gone. */
    public LanguageModel forRequest(BooleanSupplier abandoned) {
        return switch (choice) {
            case LOCAL -> local.require().forRequest(config.limits().requestTimeout(), abandoned);
            case REMOTE -> {
                if (remoteCached == null) {
                    throw new ShearsException(ErrorType.MODEL_UNAVAILABLE,
                            "shears.reasoning.scorer is remote but shears.lm.remote.url is not set");
                }
                yield remoteCached;
            }
            case EMBEDDED -> {
                LanguageModel model = embedded;
                if (model == null) {
                    throw new ShearsException(ErrorType.MODEL_UNAVAILABLE, "the embedded reasoning scorer is still loading;"
                            + " retry when /q/health/ready is UP");
                }
                yield model;
            }
        };
    }
}
