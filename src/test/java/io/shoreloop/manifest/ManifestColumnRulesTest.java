package io.shoreloop.manifest;

import static io.shoreloop.testing.DemoUsers.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The database keeps its own rules on a manifest's and a step's values, whatever writes them (V19: as domains, which
 * PostgreSQL parses once per connection, not as CHECK constraints parsed for every write), and stores a POST's answer
 * for its replays without compressing it (V20).
 */
@QuarkusTest
class ManifestColumnRulesTest {

    @Inject
    @io.quarkus.agroal.DataSource("owner")
    AgroalDataSource db;

    /** Each assignment breaks one rule; each must be refused by the database (SQLSTATE 23514, check_violation). */
    private static final List<String> BROKEN_MANIFEST = List.of(
            "stream = 'BILGE'",
            "unit = 'L'",
            "state = 'LOST'",
            "nls_category = 'W'",
            "garbage_category = 'Z'",
            "overdue_deadline = 'NEVER'",
            "declared_qty = 0",
            "declared_qty = -1",
            "current_qty = -0.001");

    /** Each assignment keeps to the rules (checked, so that the refusals above are about the values, not the SQL). */
    private static final List<String> KEPT_MANIFEST = List.of(
            "stream = 'GARBAGE', unit = 'KG', garbage_category = 'K'",
            "stream = 'TANK_WASHING', cargo_name = 'palm oil', nls_category = 'OS'",
            "state = 'IN_TRANSFER', overdue_deadline = 'DISPOSAL'",
            "declared_qty = 0.001, current_qty = 0");

    /** Inserts a copy of a manifest with another number and the stream given. */
    private static final String COPY_WITH_STREAM = "insert into manifest (id, number, call_id, vessel_id, port_id,"
            + " stream, unit, state, declared_qty, declared_method, current_qty, created_by, created_at, updated_at)"
            + " select gen_random_uuid(), number || '-copy', call_id, vessel_id, port_id, ?, unit, state,"
            + " declared_qty, declared_method, current_qty, created_by, created_at, updated_at from manifest"
            + " where id = ?::uuid";

    @Test
    void everyRuleOnAManifestsValuesIsKeptByTheDatabase() throws SQLException {
        String id = ManifestFlowTest.draftSewage("4");
        ManifestFlowTest.declare(id);
        List<String> notRefused = new ArrayList<>();
        for (String set : BROKEN_MANIFEST) {
            String state = sqlState("update manifest set " + set + " where id = ?::uuid", id);
            if (!"23514".equals(state)) {
                notRefused.add(set + " -> " + state);
            }
        }
        assertEquals(List.of(), notRefused, "broken values not refused as check violations");
        for (String set : KEPT_MANIFEST) {
            assertNull(sqlState("update manifest set " + set + " where id = ?::uuid", id), set);
        }
        // a step's quantity method, and the same rules when a row is inserted
        assertEquals("23514", sqlState("update manifest_step set method = 'GUESSED' where manifest_id = ?::uuid", id));
        assertEquals("23514", sqlState(COPY_WITH_STREAM, "BILGE", id));
        assertNull(sqlState(COPY_WITH_STREAM, "OILY_WATER", id));
        // nothing of that stayed: the manifest is as the API left it
        as(CREW_YU_CONTAINER)
                .get("/api/v1/manifests/" + id)
                .then()
                .statusCode(200)
                .body("state", org.hamcrest.Matchers.equalTo("DECLARED"))
                .body("stream", org.hamcrest.Matchers.equalTo("SEWAGE"));
    }

    @Test
    void aStoredAnswerIsKeptUncompressed() throws SQLException {
        String key = "uncompressed-" + UUID.randomUUID();
        String id = as(CREW_YU_CONTAINER)
                .header("Idempotency-Key", key)
                .body(Map.of(
                        "callId",
                        CALL_YU_CONTAINER_OPEN,
                        "stream",
                        "SEWAGE",
                        "quantity",
                        "3",
                        // a note long enough that the stored answer is past the 2 kB where PostgreSQL compresses
                        "note",
                        "pumped out at anchor before berthing; ".repeat(50)))
                .post("/api/v1/manifests")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
        try (Connection c = db.getConnection();
                PreparedStatement s = c.prepareStatement("select octet_length(body), pg_column_compression(body),"
                        + " position(? in body) > 0 from idempotency_key where idem_key = ?")) {
            s.setString(1, id);
            s.setString(2, key);
            try (ResultSet rs = s.executeQuery()) {
                assertTrue(rs.next(), "the answer is stored");
                assertTrue(rs.getInt(1) > 2500, "the answer is long: " + rs.getInt(1));
                assertNull(rs.getString(2), "the answer is stored uncompressed");
                assertTrue(rs.getBoolean(3), "the stored answer is the manifest's");
            }
        }
    }

    /** Runs the statement in a transaction that is rolled back; answers the SQLSTATE it failed with, or null. */
    private String sqlState(String statement, String... params) throws SQLException {
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement s = c.prepareStatement(statement)) {
                for (int i = 0; i < params.length; i++) {
                    s.setString(i + 1, params[i]);
                }
                s.executeUpdate();
                return null;
            } catch (SQLException e) {
                return e.getSQLState();
            } finally {
                c.rollback();
                c.setAutoCommit(true);
            }
        }
    }
}
