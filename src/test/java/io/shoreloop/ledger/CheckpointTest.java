package io.shoreloop.ledger;

import static io.restassured.RestAssured.given;
import static io.shoreloop.testing.DemoUsers.*;
import static org.hamcrest.Matchers.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.shoreloop.platform.CanonicalJson;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Signed checkpoints detect even a consistent rewrite of a whole chain. */
@QuarkusTest
class CheckpointTest {

    @Inject
    Checkpoints checkpoints;

    @Inject
    @io.quarkus.agroal.DataSource("owner")
    AgroalDataSource db;

    /** The application's own datasource (its database role). */
    @Inject
    AgroalDataSource app;

    /**
     * The application's role can take the checkpoints' advisory lock and keep it. A taker no longer waits for ever: it
     * gives up after its wait and names the session holding the lock, and the lag the operators alarm on grows.
     */
    @Test
    void aHeldLockIsReportedWithItsHolderAndTheLagGrows() throws Exception {
        io.shoreloop.manifest.ManifestFlowTest.draftSewage("2"); // an entry left uncovered while the lock is held
        try (Connection holder = app.getConnection()) {
            holder.setAutoCommit(false);
            int pid;
            try (Statement st = holder.createStatement();
                    ResultSet rs = st.executeQuery(
                            "select pg_backend_pid(), pg_advisory_xact_lock(" + Checkpoints.LOCK + ")")) {
                rs.next();
                pid = rs.getInt(1);
            }
            try {
                Checkpoints.LockHeld held = org.junit.jupiter.api.Assertions.assertThrows(
                        Checkpoints.LockHeld.class,
                        () -> checkpoints.take(Instant.now().plusSeconds(1), Duration.ofSeconds(1)));
                assertTrue(held.getMessage().contains("backend " + pid + " (role shoreloop_app"), held.getMessage());
                Instant anHourOn = Instant.now().plus(Duration.ofHours(1));
                assertTrue(
                        checkpoints.lag(anHourOn).compareTo(Duration.ofMinutes(59)) > 0,
                        "the entry waits: " + checkpoints.lag(anHourOn));
            } finally {
                holder.rollback();
            }
        }
        checkpoints.take(Instant.now().plusSeconds(1)).orElseThrow();
        assertTrue(
                checkpoints.lag(Instant.now()).compareTo(Duration.ofSeconds(30)) < 0,
                "covered: " + checkpoints.lag(Instant.now()));
        checkpoints.watchLag();
        given().get("/q/metrics")
                .then()
                .statusCode(200)
                .body(matchesPattern("(?s).*\\nshoreloop_ledger_checkpoint_lag_seconds [0-9.]+(E[0-9]+)?\\n.*"));
    }

    @Test
    void merkleRootsFollowRfc6962() {
        // RFC 6962 test shape: one leaf is H(0x00 || leaf); two leaves are H(0x01 || H(0x00||a) || H(0x00||b))
        String a = CanonicalJson.sha256("a");
        String b = CanonicalJson.sha256("b");
        String one = Checkpoints.merkleRoot(List.of(a));
        String two = Checkpoints.merkleRoot(List.of(a, b));
        String three = Checkpoints.merkleRoot(List.of(a, b, a));
        assertEquals(64, one.length());
        assertFalse(one.equals(two));
        assertFalse(two.equals(three));
        assertEquals(two, Checkpoints.merkleRoot(List.of(a, b)));
    }

    /**
     * With a key to verify them, a checkpoint without a signature is refused: checkpoints recomputed over a rewritten
     * ledger and stored unsigned verified intact. The table cannot be emptied either (as the entries' cannot).
     */
    @Test
    void anUnsignedCheckpointIsRefusedAndTheCheckpointsCannotBeTruncated() throws Exception {
        io.shoreloop.manifest.ManifestFlowTest.draftSewage("2"); // an entry for the checkpoint to cover
        Checkpoints.Checkpoint cp =
                checkpoints.take(Instant.now().plusSeconds(1)).orElseThrow();
        try (Connection c = db.getConnection();
                Statement st = c.createStatement()) {
            SQLException refused = org.junit.jupiter.api.Assertions.assertThrows(
                    SQLException.class, () -> st.execute("truncate ledger_checkpoint"));
            assertTrue(refused.getMessage().contains("append-only"), refused.getMessage());
            st.execute("set session_replication_role = replica");
            try {
                st.executeUpdate("update ledger_checkpoint set signature = null where seq = " + cp.seq());
                Map<String, Object> report =
                        as(ADMIN).get("/api/v1/ledger/verify").then().extract().path("$");
                assertEquals(false, report.get("checkpointsIntact"), String.valueOf(report));
                assertEquals("checkpoint " + cp.seq() + " is not signed", report.get("checkpointProblem"));
            } finally {
                try (PreparedStatement u =
                        c.prepareStatement("update ledger_checkpoint set signature = ? where seq = ?")) {
                    u.setString(1, cp.signature());
                    u.setLong(2, cp.seq());
                    u.executeUpdate();
                }
                st.execute("set session_replication_role = origin");
            }
        }
        as(ADMIN).get("/api/v1/ledger/verify").then().body("intact", equalTo(true));
    }

    @Test
    void aRewrittenChainThatStillVerifiesIsCaughtByTheSignedCheckpoint() throws Exception {
        String id = io.shoreloop.manifest.ManifestFlowTest.draftSewage("2");
        io.shoreloop.manifest.ManifestFlowTest.declare(id);
        Checkpoints.Checkpoint cp =
                checkpoints.take(Instant.now().plusSeconds(1)).orElseThrow();
        assertNotNull(cp.signature(), "signed with the local ledger key");
        as(BUREAU_MSA)
                .get("/api/v1/ledger/checkpoints")
                .then()
                .statusCode(200)
                .body("publicKeyPem", startsWith("-----BEGIN PUBLIC KEY-----"))
                .body("checkpoints.hash", hasItem(cp.hash()));
        as(ADMIN)
                .get("/api/v1/ledger/verify")
                .then()
                .body("intact", equalTo(true))
                .body("checkpointsIntact", equalTo(true));

        // an attacker rewrites the chain consistently: every hash recomputed, the chain head updated
        List<Object[]> original = new ArrayList<>();
        try (Connection c = db.getConnection();
                Statement st = c.createStatement()) {
            st.execute("set session_replication_role = replica");
            try {
                try (ResultSet rs = st.executeQuery("select seq, payload, prev_hash, hash from ledger_entry where"
                        + " manifest_id = '" + id + "' order by seq")) {
                    while (rs.next()) {
                        original.add(new Object[] {rs.getInt(1), rs.getString(2), rs.getString(3), rs.getString(4)});
                    }
                }
                String prev = Ledger.GENESIS;
                for (Object[] e : original) {
                    String payload = ((String) e[1])
                            .replaceFirst("\"recordedAt\":\"[^\"]+\"", "\"recordedAt\":\"2020-01-01T00:00:00Z\"");
                    String hash = CanonicalJson.sha256(prev + "\n" + payload);
                    try (PreparedStatement u = c.prepareStatement(
                            "update ledger_entry set payload = ?, prev_hash = ?, hash = ? where manifest_id = ?::uuid"
                                    + " and seq = ?")) {
                        u.setString(1, payload);
                        u.setString(2, prev);
                        u.setString(3, hash);
                        u.setString(4, id);
                        u.setInt(5, (Integer) e[0]);
                        u.executeUpdate();
                    }
                    prev = hash;
                }
                st.executeUpdate("update ledger_chain set head = '" + prev + "' where manifest_id = '" + id + "'");

                Map<String, Object> report =
                        as(ADMIN).get("/api/v1/ledger/verify").then().extract().path("$");
                assertEquals(
                        true, report.get("checkpointsIntact") == Boolean.FALSE, "checkpoint catches it: " + report);
                assertEquals(false, report.get("intact"));
                assertTrue(String.valueOf(report.get("checkpointProblem")).contains("changed"));
            } finally {
                for (Object[] e : original) {
                    try (PreparedStatement u = c.prepareStatement(
                            "update ledger_entry set payload = ?, prev_hash = ?, hash = ? where manifest_id = ?::uuid"
                                    + " and seq = ?")) {
                        u.setString(1, (String) e[1]);
                        u.setString(2, (String) e[2]);
                        u.setString(3, (String) e[3]);
                        u.setString(4, id);
                        u.setInt(5, (Integer) e[0]);
                        u.executeUpdate();
                    }
                }
                if (!original.isEmpty()) {
                    st.executeUpdate("update ledger_chain set head = '" + original.get(original.size() - 1)[3]
                            + "' where manifest_id = '" + id + "'");
                }
                st.execute("set session_replication_role = origin");
            }
        }
        as(ADMIN).get("/api/v1/ledger/verify").then().body("intact", equalTo(true));
        as(CREW_YU_CONTAINER).get("/api/v1/ledger/checkpoints").then().statusCode(403);
    }
}
