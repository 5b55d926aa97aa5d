package dev.shears.it;

import dev.shears.tools.ShearsProcess;
import io.restassured.RestAssured;
import java.util.Map;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Starts the packaged server ({@code -Dshears.jar}, set by this module's pom) once for the whole run, as its own
 * process on a free port, and points RestAssured at it. The process is stopped when the run ends.
 */
public final class PackagedShears implements BeforeAllCallback {

    @Override
    public void beforeAll(ExtensionContext context) {
        Server server = context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                .getOrComputeIfAbsent(Server.class, k -> Server.start(), Server.class);
        RestAssured.baseURI = "http://127.0.0.1";
        RestAssured.port = server.process().port();
    }

    /** The running server of this test JVM. */
    static ShearsProcess server(ExtensionContext context) {
        return context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL).get(Server.class, Server.class).process();
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
