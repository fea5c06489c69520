package io.shoreloop.shorepower;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/** PostgreSQL reads {@link CopyRows}' binary rows into the readings' columns as the values they were. */
@QuarkusTest
class CopyRowsDatabaseTest {

    @Inject
    @io.quarkus.agroal.DataSource("owner")
    AgroalDataSource db;

    @Test
    void theReadingsColumnsReadBackAsWritten() throws Exception {
        UUID id = UUID.randomUUID();
        Instant[] times = {
            Instant.parse("2026-12-06T08:00:15Z"),
            Instant.parse("1999-12-31T23:59:59.999999Z"),
            Instant.parse("0001-01-01T00:00:00Z"),
            Instant.parse("9999-12-31T23:59:59.999999Z"),
            Instant.parse("2026-12-06T08:00:15.1234565Z")
        };
        CopyRows rows = new CopyRows(11);
        for (int i = 0; i < times.length; i++) {
            rows.startRow();
            rows.uuid(id);
            rows.timestamp(times[i]);
            rows.int8(i);
            rows.int8(1_234_567_890_123L + i);
            rows.float8(i == 0 ? Double.valueOf(412.37) : i == 1 ? Double.valueOf(0.1 + 0.2) : null);
            rows.float8(i == 0 ? Double.valueOf(400.1) : null);
            rows.float8(i == 0 ? Double.valueOf(-0.0) : null);
            rows.float8(i == 0 ? Double.valueOf(49.98) : null);
            rows.bool(i == 0 ? Boolean.TRUE : i == 1 ? Boolean.FALSE : null);
            rows.text(i == 0 ? "413800001" : i == 1 ? "长江 №1" : null);
            rows.timestamp(times[0]);
            rows.endRow();
        }
        List<String> read = new ArrayList<>();
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("set local timezone = 'UTC'");
                s.execute("create temporary table copy_rows_check (like meter_reading) on commit drop");
            }
            CopyIn copy = c.unwrap(PGConnection.class)
                    .getCopyAPI()
                    .copyIn("copy copy_rows_check (meter_id, ts, seq, register_wh, power_kw, voltage_v, current_a,"
                            + " frequency_hz, breaker_closed, vessel_mmsi, received_at) from stdin (format binary)");
            for (byte[] chunk : rows.chunks()) {
                copy.writeToCopy(chunk, 0, chunk.length);
            }
            copy.endCopy();
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("select meter_id, ts, seq, register_wh, power_kw, voltage_v,"
                            + " current_a, frequency_hz, breaker_closed, vessel_mmsi, received_at"
                            + " from copy_rows_check order by seq")) {
                while (rs.next()) {
                    List<String> fields = new ArrayList<>();
                    for (int i = 1; i <= 11; i++) {
                        fields.add(rs.getString(i));
                    }
                    read.add(String.join("|", fields));
                }
            }
            c.rollback();
        }
        assertEquals(
                List.of(
                        id + "|2026-12-06 08:00:15+00|0|1234567890123|412.37|400.1|-0|49.98|t|413800001"
                                + "|2026-12-06 08:00:15+00",
                        id + "|1999-12-31 23:59:59.999999+00|1|1234567890124|0.30000000000000004|null|null|null|f"
                                + "|长江 №1|2026-12-06 08:00:15+00",
                        id + "|0001-01-01 00:00:00+00|2|1234567890125|null|null|null|null|null|null"
                                + "|2026-12-06 08:00:15+00",
                        id + "|9999-12-31 23:59:59.999999+00|3|1234567890126|null|null|null|null|null|null"
                                + "|2026-12-06 08:00:15+00",
                        id + "|2026-12-06 08:00:15.123457+00|4|1234567890127|null|null|null|null|null|null"
                                + "|2026-12-06 08:00:15+00"),
                read);
    }
}
