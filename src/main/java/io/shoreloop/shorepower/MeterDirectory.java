package io.shoreloop.shorepower;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Meter code → registered meter, cached: ingestion resolves the codes of a whole batch at once and asks the database
 * only for codes it has not seen or last loaded more than a minute ago (a new meter is found on its first message; a
 * meter moved or deactivated on this instance at once, see {@link #onMeterRegistrationChanged}; on another within a
 * minute).
 */
@ApplicationScoped
public class MeterDirectory {

    private static final String SELECT = """
            select m.id, m.code, m.berth_id, b.code, b.port_id, p.code, m.active and b.active and p.active,
                   coalesce(b.sp_capacity_kva, 1000), m.register_modulus_kwh, m.reporting_interval_s
              from meter m join berth b on b.id = m.berth_id join port p on p.id = b.port_id
            """;

    private static final String BY_CODES = SELECT + " where m.code = any(?)";

    private final AgroalDataSource dataSource;
    private static final long TTL_NANOS = java.util.concurrent.TimeUnit.MINUTES.toNanos(1);

    private record Entry(RegisteredMeter meter, long loadedAt) {}

    private final Map<String, Entry> meters = new ConcurrentHashMap<>();
    private final Map<String, Optional<UUID>> ports = new ConcurrentHashMap<>();

    public MeterDirectory(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** The registered meters among {@code codes} (unknown codes are absent from the answer). */
    public Map<String, RegisteredMeter> resolve(Collection<String> codes) {
        Map<String, RegisteredMeter> found = new HashMap<>();
        Set<String> missing = new HashSet<>();
        long now = System.nanoTime();
        for (String code : codes) {
            Entry e = meters.get(code);
            if (e != null && now - e.loadedAt() < TTL_NANOS) {
                found.put(code, e.meter());
            } else {
                missing.add(code);
            }
        }
        if (!missing.isEmpty()) {
            missing.forEach(meters::remove);
            for (RegisteredMeter m : load(missing)) {
                meters.put(m.code(), new Entry(m, now));
                found.put(m.code(), m);
            }
        }
        return found;
    }

    /** The id of the port with this code, if there is one (for scoping dead letters). */
    public Optional<UUID> portId(String portCode) {
        if (portCode == null) {
            return Optional.empty();
        }
        Optional<UUID> known = ports.get(portCode);
        if (known != null && known.isPresent()) {
            return known;
        }
        Optional<UUID> loaded = queryPort(portCode);
        ports.put(portCode, loaded);
        return loaded;
    }

    /** Drops everything cached (after a meter was moved or deactivated). */
    public void forget() {
        meters.clear();
        ports.clear();
    }

    /**
     * A meter, berth or port changed here: what is cached is dropped once the change committed, so that the next
     * message of a deactivated or moved meter meets its new registration at once (other instances within the minute).
     */
    void onMeterRegistrationChanged(
            @jakarta.enterprise.event.Observes(during = jakarta.enterprise.event.TransactionPhase.AFTER_SUCCESS)
                    io.shoreloop.registry.MeterRegistrationChanged change) {
        forget();
    }

    void onBerthChanged(
            @jakarta.enterprise.event.Observes(during = jakarta.enterprise.event.TransactionPhase.AFTER_SUCCESS)
                    io.shoreloop.registry.MasterDataChanged change) {
        if (change.kind() == io.shoreloop.registry.MasterDataChanged.Kind.BERTH) {
            forget();
        }
    }

    private Collection<RegisteredMeter> load(Set<String> codes) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(BY_CODES)) {
            Array array = c.createArrayOf("text", codes.toArray());
            ps.setArray(1, array);
            List<RegisteredMeter> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(meter(rs));
                }
            }
            return withCapacityChanges(c, out);
        } catch (SQLException e) {
            throw new StoreUnavailable(e);
        }
    }

    /** Every meter registered at these berths, active or not, read through the caller's connection (not cached). */
    static List<RegisteredMeter> atBerths(Connection c, Collection<UUID> berthIds) throws SQLException {
        List<RegisteredMeter> out = new ArrayList<>();
        if (berthIds.isEmpty()) {
            return out;
        }
        try (PreparedStatement ps = c.prepareStatement(SELECT + " where m.berth_id = any(?) order by m.id")) {
            ps.setArray(1, c.createArrayOf("uuid", berthIds.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(meter(rs));
                }
            }
        }
        return withCapacityChanges(c, out);
    }

    /**
     * The meters with their berths' capacity changes ({@code berth_capacity_change}): the capacity before the first
     * change, and each change from its time on. Most berths have none, and their meters stay as read.
     */
    static List<RegisteredMeter> withCapacityChanges(Connection c, List<RegisteredMeter> meters) throws SQLException {
        if (meters.isEmpty()) {
            return meters;
        }
        Set<UUID> berths = new HashSet<>();
        meters.forEach(m -> berths.add(m.berthId()));
        Map<UUID, List<Object[]>> changes = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("select berth_id, effective_from, before_kva, after_kva from"
                + " berth_capacity_change where berth_id = any(?) order by berth_id, effective_from")) {
            ps.setArray(1, c.createArrayOf("uuid", berths.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    changes.computeIfAbsent(rs.getObject(1, UUID.class), b -> new ArrayList<>())
                            .add(new Object[] {
                                rs.getObject(2, java.time.OffsetDateTime.class).toInstant(),
                                rs.getBigDecimal(3),
                                rs.getBigDecimal(4)
                            });
                }
            }
        }
        if (changes.isEmpty()) {
            return meters;
        }
        List<RegisteredMeter> out = new ArrayList<>(meters.size());
        for (RegisteredMeter m : meters) {
            List<Object[]> atBerth = changes.get(m.berthId());
            if (atBerth == null) {
                out.add(m);
                continue;
            }
            List<MeterProfile.CapacityChange> steps = new ArrayList<>();
            atBerth.forEach(ch -> steps.add(
                    new MeterProfile.CapacityChange((java.time.Instant) ch[0], MeterProfile.va((BigDecimal) ch[2]))));
            MeterProfile p = m.profile();
            MeterProfile profile = new MeterProfile(
                    p.meter(),
                    MeterProfile.va((BigDecimal) atBerth.get(0)[1]),
                    p.registerModulusWh(),
                    p.reportingInterval(),
                    steps);
            out.add(new RegisteredMeter(
                    m.id(), m.code(), m.berthId(), m.berthCode(), m.portId(), m.portCode(), m.active(), profile));
        }
        return out;
    }

    private static RegisteredMeter meter(ResultSet rs) throws SQLException {
        String code = rs.getString(2);
        BigDecimal capacity = rs.getBigDecimal(8);
        MeterProfile profile = MeterProfile.of(code, capacity, rs.getBigDecimal(9), Duration.ofSeconds(rs.getInt(10)));
        return new RegisteredMeter(
                rs.getObject(1, UUID.class),
                code,
                rs.getObject(3, UUID.class),
                rs.getString(4),
                rs.getObject(5, UUID.class),
                rs.getString(6),
                rs.getBoolean(7),
                profile);
    }

    private Optional<UUID> queryPort(String code) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("select id from port where code = ?")) {
            ps.setString(1, code);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getObject(1, UUID.class)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new StoreUnavailable(e);
        }
    }
}
