package io.shoreloop.ledger;

import static io.shoreloop.testing.DemoUsers.ADMIN;
import static io.shoreloop.testing.DemoUsers.FACILITY_TRANSPORTER;
import static io.shoreloop.testing.DemoUsers.as;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import io.shoreloop.manifest.ManifestFlowTest;
import io.shoreloop.platform.CanonicalJson;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The application's database role may append ledger entries (it must). An entry it appends beside Shoreloop, with
 * its hash and back-link recomputed and the chain's head moved, verified until a checkpoint covered it: here a
 * discrepancy closed behind everybody's back, its closing "recorded". Each entry now carries a MAC with the service's
 * key, which the role does not have.
 */
@QuarkusTest
class LedgerMacTest {

    /** The application's own datasource: its role. */
    @Inject
    AgroalDataSource app;

    /** The owner's, to take a forged entry away again (the tests share one database). */
    @Inject
    @io.quarkus.agroal.DataSource("owner")
    AgroalDataSource owner;

    @Test
    void anEntryAppendedBesideShoreloopWithItsHashesRightIsNotShoreloops() throws SQLException {
        String id = ManifestFlowTest.draftSewage("10");
        ManifestFlowTest.declare(id);
        // 12 % below the declared quantity: a discrepancy opens
        ManifestFlowTest.receive(id, "8.8", FACILITY_TRANSPORTER);
        verify().body("intact", equalTo(true)).body("entriesAuthenticated", equalTo(true));
        String discrepancy = single("select id::text from manifest_discrepancy where manifest_id = '" + id + "'");
        String resolution = "closed by nobody";
        String closing = CanonicalJson.write(Map.of(
                "discrepancyId",
                discrepancy,
                "recordedAt",
                Instant.now().truncatedTo(ChronoUnit.MICROS).toString(),
                "resolution",
                resolution,
                "type",
                "DISCREPANCY_CLOSED"));

        // without a MAC
        int seq = forge(id, closing, null, null, discrepancy, resolution);
        try {
            verify().body("intact", equalTo(false))
                    .body("firstBrokenLink.manifestId", equalTo(id))
                    .body("firstBrokenLink.seq", equalTo(seq))
                    .body("firstBrokenLink.problem", containsString("carries no MAC"));
        } finally {
            takeBack(id, seq, discrepancy);
        }
        verify().body("intact", equalTo(true));

        // with a MAC made up in the service's format and key id
        String last = single("select mac from ledger_entry where manifest_id = '" + id + "' order by seq desc limit 1");
        String[] parts = last.split("\\.");
        String madeUp = parts[0] + "." + parts[1] + "." + parts[2] + "." + "0".repeat(64);
        seq = forge(id, closing, madeUp, null, discrepancy, resolution);
        try {
            verify().body("intact", equalTo(false))
                    .body("firstBrokenLink.seq", equalTo(seq))
                    .body("firstBrokenLink.problem", containsString("does not verify"));
        } finally {
            takeBack(id, seq, discrepancy);
        }

        // the chain's last entry (the receipt's discrepancy note) appended once more, MAC and all
        String payload =
                single("select payload from ledger_entry where manifest_id = '" + id + "' order by seq desc limit 1");
        String type = single(
                "select event_type from ledger_entry where manifest_id = '" + id + "' order by seq desc limit 1");
        seq = forge(id, payload, last, type, null, null);
        try {
            verify().body("intact", equalTo(false))
                    .body("firstBrokenLink.seq", equalTo(seq))
                    .body("firstBrokenLink.problem", containsString("repeats an earlier entry"));
        } finally {
            takeBack(id, seq, null);
        }

        // without a MAC, numbered among the entries written before entries carried MACs
        seq = forge(id, closing, null, null, discrepancy, resolution, 0L);
        try {
            verify().body("intact", equalTo(false))
                    .body("firstBrokenLink.manifestId", nullValue())
                    .body("firstBrokenLink.problem", containsString("from before entries carried MACs"));
        } finally {
            takeBack(id, seq, discrepancy);
        }
        verify().body("intact", equalTo(true));
    }

    private static ValidatableResponse verify() {
        return as(ADMIN).get("/api/v1/ledger/verify").then().statusCode(200);
    }

    private int forge(String id, String payload, String mac, String type, String discrepancy, String resolution)
            throws SQLException {
        return forge(id, payload, mac, type, discrepancy, resolution, null);
    }

    /**
     * As the application's role, in one transaction: the discrepancy (if any) closed with the resolution, and the entry
     * appended at the chain's end, hash and back-link right, the head moved. Answers the entry's position.
     */
    private int forge(
            String id, String payload, String mac, String type, String discrepancy, String resolution, Long globalSeq)
            throws SQLException {
        try (Connection c = app.getConnection()) {
            c.setAutoCommit(false);
            if (discrepancy != null) {
                try (PreparedStatement ps = c.prepareStatement("update manifest_discrepancy set resolved_at = now(),"
                        + " resolution = ? where id = ?::uuid")) {
                    ps.setString(1, resolution);
                    ps.setString(2, discrepancy);
                    ps.executeUpdate();
                }
            }
            int seq;
            try (PreparedStatement ps = c.prepareStatement("with prev as (select length, head from ledger_chain"
                    + " where manifest_id = ?::uuid for update),"
                    + " ins as (insert into ledger_entry (global_seq, manifest_id, seq, event_type, payload, prev_hash,"
                    + "   hash, recorded_at, mac)"
                    + "   select coalesce(?, nextval('ledger_entry_global_seq_seq')), ?::uuid, length + 1, ?, ?, head,"
                    + "     encode(sha256(convert_to(head || chr(10) || ?, 'UTF8')), 'hex'), now(), ? from prev"
                    + "   returning seq, hash)"
                    + " update ledger_chain set length = ins.seq, head = ins.hash from ins"
                    + " where manifest_id = ?::uuid returning ins.seq")) {
                ps.setString(1, id);
                ps.setObject(2, globalSeq, java.sql.Types.BIGINT);
                ps.setString(3, id);
                ps.setString(4, type == null ? "DISCREPANCY_CLOSED" : type);
                ps.setString(5, payload);
                ps.setString(6, payload);
                ps.setString(7, mac);
                ps.setString(8, id);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    seq = rs.getInt(1);
                }
            }
            c.commit();
            return seq;
        }
    }

    /** As the owner, with the triggers off: the forged entry removed, the head and the discrepancy as they were. */
    private void takeBack(String id, int seq, String discrepancy) throws SQLException {
        try (Connection c = owner.getConnection();
                Statement st = c.createStatement()) {
            c.setAutoCommit(false);
            st.execute("set local session_replication_role = replica");
            st.executeUpdate("delete from ledger_entry where manifest_id = '" + id + "' and seq >= " + seq);
            st.executeUpdate("update ledger_chain c set length = e.seq, head = e.hash from ledger_entry e"
                    + " where c.manifest_id = '" + id + "' and e.manifest_id = c.manifest_id and e.seq = " + (seq - 1));
            if (discrepancy != null) {
                st.executeUpdate("update manifest_discrepancy set resolved_at = null, resolution = null where id = '"
                        + discrepancy + "'");
            }
            c.commit();
        }
    }

    private String single(String sql) throws SQLException {
        try (Connection c = owner.getConnection();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
