package dev.shears.it;

import dev.shears.tools.ShearsProcess;
import io.restassured.RestAssured;
import java.util.Map;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Starts the packaged server ({@code -Dshears.jar}, set by this module's pom) once for the whole run, as its own
 * process on a free port, points RestAssured at it and hands it to tests that ask for a {@link ShearsProcess}. The
 * process is stopped when the run ends.
 */
public final class PackagedShears implements BeforeAllCallback, ParameterResolver {

    @Override
    public void beforeAll(ExtensionContext context) {
        RestAssured.baseURI = "http://127.0.0.1";
        RestAssured.port = server(context).port();
    }

    /** Test methods and constructors may take the running {@link ShearsProcess} as a parameter. */
    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == ShearsProcess.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return server(context);
    }

    private static ShearsProcess server(ExtensionContext context) {
        return context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                .getOrComputeIfAbsent(Server.class, k -> Server.start(), Server.class).process();
    }

    record Server(ShearsProcess process) implements ExtensionContext.Store.CloseableResource {
        static Server start() {
            try {
                return new Server(ShearsProcess.start(ShearsProcess.defaultJar(), Map.of()));
            } catch (Exception e) {
                throw new IllegalStateException("cannot start the packaged server: " + e.getMessage(), e);
            }
        }

        @Override
        public void close() {
            process.close();
        }
    }
}
