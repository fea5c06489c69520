package io.shoreloop.registry;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/** A port (港口), run by a port operator, inland or coastal. */
@Entity
@Table(name = "port")
public class Port extends PanacheEntityBase {

    @Id
    public UUID id;

    @Column(nullable = false, unique = true)
    public String code;

    @Column(nullable = false)
    public String name;

    @Enumerated(EnumType.STRING)
    @Column(name = "region_kind", nullable = false)
    public RegionKind regionKind;

    @Column(name = "time_zone", nullable = false)
    public String timeZone;

    @Column(name = "operator_id")
    public UUID operatorId;

    /** Province (or municipality) whose emission and cost factors apply; {@code null}: the national defaults. */
    public String province;

    @Column(nullable = false)
    public boolean active = true;

    @Version
    public long version;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    public static Optional<Port> byCode(String code) {
        return find("code", code).firstResultOptional();
    }
}
