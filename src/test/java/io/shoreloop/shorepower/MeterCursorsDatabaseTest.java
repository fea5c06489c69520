package io.shoreloop.shorepower;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The meters' resume cursors before (or at) an instant each, read for many meters in one statement. */
@QuarkusTest
class MeterCursorsDatabaseTest {

    private static final Instant T = Instant.parse("2026-11-30T08:00:00Z");

    @Inject
    @io.quarkus.agroal.DataSource("owner")
    AgroalDataSource db;

    @Test
    void eachMeterGetsItsLatestCursorBeforeOrAtItsOwnInstantOrNone() throws Exception {
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(false);
            try {
                List<UUID> meters = new ArrayList<>();
                try (PreparedStatement ps = c.prepareStatement("select id from meter order by id limit 3");
                        ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        meters.add(rs.getObject(1, UUID.class));
                    }
                }
                assertEquals(3, meters.size(), "the demo data's meters");
                UUID a = meters.get(0);
                UUID b = meters.get(1);
                UUID none = meters.get(2);
                try (PreparedStatement ps =
                        c.prepareStatement("delete from shore_meter_cursor where meter_id = any(?)")) {
                    ps.setArray(1, c.createArrayOf("uuid", meters.toArray()));
                    ps.executeUpdate();
                }
                insertCursor(c, a, T);
                insertCursor(c, a, T.plusSeconds(3600));
                insertCursor(c, b, T.plusSeconds(1800));

                Map<UUID, Instant> at = new HashMap<>();
                at.put(a, T.plusSeconds(3600));
                at.put(b, T.plusSeconds(1800));
                at.put(none, T.plusSeconds(5 * 3600));

                Map<UUID, Instant> before = new HashMap<>();
                before.put(a, T);
                before.put(b, null);
                before.put(none, null);
                assertEquals(before, ShorePowerIngest.cursors(c, at, "<"));

                Map<UUID, Instant> atOrBefore = new HashMap<>();
                atOrBefore.put(a, T.plusSeconds(3600));
                atOrBefore.put(b, T.plusSeconds(1800));
                atOrBefore.put(none, null);
                assertEquals(atOrBefore, ShorePowerIngest.cursors(c, at, "<="));

                assertTrue(ShorePowerIngest.cursors(c, Map.of(), "<").isEmpty());
            } finally {
                c.rollback();
            }
        }
    }

    private static void insertCursor(Connection c, UUID meter, Instant ts) throws Exception {
        try (PreparedStatement ps = c.prepareStatement("insert into shore_meter_cursor (meter_id, ts) values (?, ?)")) {
            ps.setObject(1, meter);
            ps.setObject(2, ts.atOffset(ZoneOffset.UTC));
            ps.executeUpdate();
        }
    }
}
