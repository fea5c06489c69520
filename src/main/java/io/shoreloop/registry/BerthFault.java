package io.shoreloop.registry;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A fault of a berth's shore-power supply or of one of its meters (Art. 18 asks for fault time, description and
 * repair time), recorded by the berth operator. A shore-fault exemption claim holds only against such a record.
 */
@Entity
@Table(name = "berth_fault")
public class BerthFault extends PanacheEntityBase {

    @Id
    public UUID id;

    @Column(name = "berth_id", nullable = false)
    public UUID berthId;

    @Column(name = "meter_id")
    public UUID meterId;

    @Column(name = "started_at", nullable = false)
    public Instant startedAt;

    /** When the supply was back; {@code null} while the fault lasts. */
    @Column(name = "ended_at")
    public Instant endedAt;

    @Column(name = "repaired_at")
    public Instant repairedAt;

    @Column(nullable = false)
    public String description;

    @Column(name = "recorded_by", nullable = false)
    public UUID recordedBy;

    @Column(name = "recorded_at", nullable = false)
    public Instant recordedAt;

    /** Faults of the berth that overlap {@code [from, to)}; a fault still open overlaps everything after its start. */
    public static List<BerthFault> overlapping(UUID berthId, Instant from, Instant to) {
        return list(
                "berthId = ?1 and startedAt < ?3 and (endedAt is null or endedAt > ?2) order by startedAt",
                berthId,
                from,
                to);
    }
}
