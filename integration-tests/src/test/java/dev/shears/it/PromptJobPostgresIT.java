package dev.shears.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shears.testing.TestModels;
import dev.shears.tools.ShearsProcess;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The PostgreSQL path with two replicas: a real PostgreSQL 15 cluster (Debian's binaries, initdb in a temp dir, trust
 * auth on loopback, a free port) and two packaged Shears processes on it with a short lease. Two jobs with the same
 * seed are submitted; with {@code max-running=1} each replica claims one. The replica running the first job is killed
 * (SIGKILL); the other, once its own job is done and the dead replica's lease has expired, takes the job over, resumes
 * it from the last checkpoint, and ends with the result of the job that ran uninterrupted.
 */
class PromptJobPostgresIT {

    /** {@code -Dshears.pg.bin}, else the newest Debian PostgreSQL ({@code /usr/lib/postgresql/<version>/bin}). */
    static final Path BIN = bin();
    static Path dir;
    static int port;

    @BeforeAll
    static void startPostgres() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(BIN.resolve("initdb")) && Files.isExecutable(BIN.resolve("pg_ctl")),
                "PostgreSQL binaries not found in " + BIN + " (apt-get install postgresql, or -Dshears.pg.bin=...);"
                        + " skipping the PostgreSQL replica test");
        dir = Files.createTempDirectory("shears-pg");
        if (root()) {
            sh("chown", "postgres", dir.toString());
        }
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        sh(BIN.resolve("initdb").toString(), "-D", dir.resolve("data").toString(), "-U", "postgres", "--auth=trust",
                "-E", "UTF8");
        sh(BIN.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-l", dir.resolve("log").toString(),
                "-o", "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1", "-w", "start");
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        if (dir == null) {
            return;
        }
        try {
            sh(BIN.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-m", "immediate", "stop");
        } finally {
            try (Stream<Path> s = Files.walk(dir)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void twoReplicasShareTheJobsAndTakeOverTheJobOfAKilledOne() throws Exception {
        Path decoder = TestModels.longContext();
        ShearsProcess a = start(decoder);
        ShearsProcess b = start(decoder);
        try {
            String x = PromptJobIT.submit(a);
            String y = PromptJobIT.submit(b);
            JsonNode jx = PromptJobIT.get(a, x);
            JsonNode jy = PromptJobIT.get(a, y);
            long deadline = System.nanoTime() + 120_000_000_000L;
            while (jx.path("generation").asInt() < 2 || !jy.path("state").asText().equals("running")
                    || jy.path("replica").isMissingNode()) {
                assertFalse(jx.path("state").asText().equals("succeeded"), "finished before it could be killed");
                assertTrue(System.nanoTime() < deadline, "jobs did not both start: " + jx + " " + jy);
                Thread.sleep(20);
                jx = PromptJobIT.get(a, x);
                jy = PromptJobIT.get(b, y);
            }
            String ownerX = jx.path("replica").asText();
            String ownerY = jy.path("replica").asText();
            assertNotEquals(ownerX, ownerY, "max-running=1: each replica runs one job");
            ShearsProcess victim = ownerX.equals(replica(a)) ? a : b;
            ShearsProcess survivor = victim == a ? b : a;
            assertEquals(ownerX, replica(victim));
            assertEquals(ownerY, replica(survivor));
            ProcessHandle.of(victim.pid()).ifPresent(ProcessHandle::destroyForcibly);
            victim.close();

            JsonNode uninterrupted = PromptJobIT.awaitDone(survivor, y);
            JsonNode resumed = PromptJobIT.awaitDone(survivor, x);
            assertEquals(replica(survivor), resumed.path("replica").asText(), "the survivor finished the job");
            String log = Files.readString(survivor.log());
            assertTrue(log.contains("resumes after generation"), "the survivor should resume from the checkpoint");
            assertEquals(1, count(log, "claimed job " + y), "job " + y + " claimed once");
            assertEquals(1, count(log, "claimed job " + x), "job " + x + " taken over once");
            String victimLog = Files.readString(victim.log());
            assertEquals(1, count(victimLog, "claimed job " + x));
            assertEquals(0, count(victimLog, "claimed job " + y), "no job ran on two replicas");
            assertTrue(log.indexOf("claimed job " + x) > log.indexOf("job " + y + " succeeded"),
                    "the survivor took the job over only after its own (at most one at once)");
            assertEquals(uninterrupted.path("result"), resumed.path("result"));
            assertEquals(uninterrupted.path("best_prompt"), resumed.path("best_prompt"));
        } finally {
            a.close();
            b.close();
        }
    }

    private static ShearsProcess start(Path decoder) throws Exception {
        return ShearsProcess.start(ShearsProcess.defaultJar(), Map.of("shears.lm.location", decoder.toString(),
                "shears.jobs.database", "postgresql",
                "shears.jobs.postgresql.url", "jdbc:postgresql://127.0.0.1:" + port + "/postgres",
                "shears.jobs.postgresql.username", "postgres",
                "shears.jobs.lease", "3s", "shears.jobs.max-running", "1"));
    }

    private static String replica(ShearsProcess p) throws IOException {
        Matcher m = Pattern.compile("prompt-search jobs: replica (\\S+),").matcher(Files.readString(p.log()));
        assertTrue(m.find(), "replica id not logged");
        return m.group(1);
    }

    private static int count(String s, String what) {
        int n = 0;
        for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }

    private static Path bin() {
        String set = System.getProperty("shears.pg.bin");
        if (set != null && !set.isBlank()) {
            return Path.of(set);
        }
        Path base = Path.of("/usr/lib/postgresql");
        try (Stream<Path> s = Files.list(base)) {
            return s.filter(p -> p.getFileName().toString().matches("\\d+"))
                    .max(Comparator.comparingInt(p -> Integer.parseInt(p.getFileName().toString())))
                    .map(p -> p.resolve("bin")).orElse(base.resolve("15/bin"));
        } catch (IOException e) {
            return base.resolve("15/bin");
        }
    }

    private static boolean root() {
        return "root".equals(System.getProperty("user.name"));
    }

    /** Runs a command (as the postgres user when root: initdb refuses root); fails with its output. */
    private static void sh(String... command) throws IOException, InterruptedException {
        List<String> c = new ArrayList<>();
        if (root() && !command[0].equals("chown")) {
            c.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        c.addAll(List.of(command));
        Process p = new ProcessBuilder(c).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), String.join(" ", c) + ":\n" + out);
    }
}
